import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CHILD_KINDS, type ChildKind, type ChildSample } from './metric-families-ops.js';

/** Linux's USER_HZ: /proc reports CPU times in these ticks on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface ProcessSamplerOptions {
  /** Default `/proc`; tests point it at a fake tree. */
  readonly procRoot?: string;
  /** Default `process.pid`. */
  readonly rootPid?: number;
}

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** Start time in ticks since boot: with the pid, identifies one process even when pids are reused. */
  readonly start: string;
  readonly cpuSeconds: number;
}

/**
 * Reads the bot's child processes from /proc: how many of each kind run, their resident memory and CPU.
 * A child's kind is decided by its command line (yt-dlp, ffmpeg), and every grandchild counts as its
 * top-level child's kind (yt-dlp's JavaScript runtime is yt-dlp's cost). Invariant: the CPU figure per
 * kind never goes down: when a process exits, the CPU it had used at the last sample is kept, so
 * `rate()` over it is right except for a child's last moments between two samples. Off Linux (no /proc),
 * every figure is 0. Synchronous and bounded: it reads a few small files per child.
 */
export class ProcessSampler {
  private readonly procRoot: string;
  private readonly rootPid: number;
  private readonly live = new Map<string, { kind: ChildKind; cpu: number }>();
  private readonly exitedCpu = new Map<ChildKind, number>(CHILD_KINDS.map((k) => [k, 0]));

  constructor(options: ProcessSamplerOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.rootPid = options.rootPid ?? process.pid;
  }

  sample(): ReadonlyMap<ChildKind, ChildSample> {
    const found = this.descendants();
    const totals = new Map<ChildKind, { processes: number; residentBytes: number; cpuSeconds: number }>(
      CHILD_KINDS.map((k) => [k, { processes: 0, residentBytes: 0, cpuSeconds: 0 }]),
    );
    const seen = new Set<string>();
    for (const { stat, kind } of found) {
      const key = `${stat.pid}:${stat.start}`;
      seen.add(key);
      this.live.set(key, { kind, cpu: stat.cpuSeconds });
      const total = totals.get(kind);
      if (!total) continue;
      total.processes += 1;
      total.residentBytes += this.residentBytes(stat.pid);
      total.cpuSeconds += stat.cpuSeconds;
    }
    for (const [key, gone] of this.live) {
      if (seen.has(key)) continue;
      this.exitedCpu.set(gone.kind, (this.exitedCpu.get(gone.kind) ?? 0) + gone.cpu);
      this.live.delete(key);
    }
    for (const [kind, total] of totals) total.cpuSeconds += this.exitedCpu.get(kind) ?? 0;
    return totals;
  }

  /** Every descendant of the root with the kind of its top-level child (breadth first). */
  private descendants(): { stat: ProcStat; kind: ChildKind }[] {
    const children = this.childMap();
    const out: { stat: ProcStat; kind: ChildKind }[] = [];
    const queue: { pid: number; kind: ChildKind | undefined }[] = [{ pid: this.rootPid, kind: undefined }];
    for (let next = queue.shift(); next && out.length < 10_000; next = queue.shift()) {
      const { pid, kind } = next;
      for (const stat of children.get(pid) ?? []) {
        const childKind = kind ?? this.classify(stat.pid);
        out.push({ stat, kind: childKind });
        queue.push({ pid: stat.pid, kind: childKind });
      }
    }
    return out;
  }

  /** ppid → processes, from one pass over /proc (empty when there is no /proc). */
  private childMap(): Map<number, ProcStat[]> {
    const map = new Map<number, ProcStat[]>();
    let entries: string[];
    try {
      entries = readdirSync(this.procRoot);
    } catch {
      return map;
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = this.readStat(entry);
      if (!stat) continue;
      const list = map.get(stat.ppid);
      if (list) list.push(stat);
      else map.set(stat.ppid, [stat]);
    }
    return map;
  }

  private readStat(pid: string): ProcStat | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.procRoot, pid, 'stat'), 'utf8');
    } catch {
      return undefined; // exited between readdir and read
    }
    // The command name is in parentheses and may itself contain spaces or ')': fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const start = fields[19] ?? '0';
    if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return { pid: Number(pid), ppid, start, cpuSeconds: (utime + stime) / TICKS_PER_SECOND };
  }

  /** yt-dlp runs as a script (its interpreter is argv[0]), so the first two arguments are looked at. */
  private classify(pid: number): ChildKind {
    let argv: string[];
    try {
      argv = readFileSync(join(this.procRoot, String(pid), 'cmdline'), 'utf8')
        .split('\0')
        .slice(0, 2);
    } catch {
      return 'other';
    }
    const names = argv.map((a) => basename(a).toLowerCase());
    if (names.some((n) => n.includes('yt-dlp') || n.includes('yt_dlp'))) return 'ytdlp';
    if (names.some((n) => n.includes('ffmpeg'))) return 'ffmpeg';
    return 'other';
  }

  private residentBytes(pid: number): number {
    try {
      const status = readFileSync(join(this.procRoot, String(pid), 'status'), 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : 0;
    } catch {
      return 0;
    }
  }
}
