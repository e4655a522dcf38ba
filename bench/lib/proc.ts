import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Process accounting from /proc, so the bot's cost is measured from outside the bot (Linux only).
 * CPU is in clock ticks (utime + stime); CPU % is "of one core", so 2 busy cores read 200 %.
 */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface CpuTicks {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: children that exited and were reaped. */
  reaped: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function cpuTicks(pid: number): CpuTicks | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3] ?? 0);
  return { self: n(14) + n(15), reaped: n(16) + n(17) };
}

/** Resident set size in kB (VmRSS). */
export function rssKb(pid: number): number | undefined {
  const status = read(`/proc/${pid}/status`);
  const m = status ? /^VmRSS:\s+(\d+)\s+kB/m.exec(status) : null;
  return m ? Number(m[1]) : undefined;
}

/** Proportional set size in kB (shared pages split between sharers: the fair cost of many ffmpeg). */
export function pssKb(pid: number): number | undefined {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  const m = rollup ? /^Pss:\s+(\d+)\s+kB/m.exec(rollup) : null;
  return m ? Number(m[1]) : undefined;
}

/** Direct children of every thread of `pid`. */
export function childPids(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const pids = new Set<number>();
  for (const task of tasks) {
    for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? '').split(' '))
      if (child.trim()) pids.add(Number(child));
  }
  return [...pids];
}

/** The command name (`comm`) of a process. */
export function commOf(pid: number): string | undefined {
  return read(`/proc/${pid}/comm`)?.trim();
}

/** A CPU/memory sample of the bot and its children at one instant. */
export interface ProcSample {
  at: number;
  bot: CpuTicks;
  children: Map<number, number>;
}

export function sampleProc(pid: number): ProcSample {
  const children = new Map<number, number>();
  for (const child of childPids(pid)) {
    const ticks = cpuTicks(child);
    if (ticks) children.set(child, ticks.self);
  }
  return { at: performance.now(), bot: cpuTicks(pid) ?? { self: 0, reaped: 0 }, children };
}

export interface CpuWindow {
  /** Bot process, % of one core. */
  botPct: number;
  /** Its children (ffmpeg) together, % of one core: live children's ticks in the window plus reaped ones. */
  childrenPct: number;
  seconds: number;
}

export function cpuBetween(a: ProcSample, b: ProcSample): CpuWindow {
  const seconds = (b.at - a.at) / 1000;
  const pct = (ticks: number) => (ticks / CLK_TCK / seconds) * 100;
  let childTicks = b.bot.reaped - a.bot.reaped;
  for (const [pid, ticks] of b.children) childTicks += ticks - (a.children.get(pid) ?? 0);
  return { botPct: pct(b.bot.self - a.bot.self), childrenPct: pct(Math.max(0, childTicks)), seconds };
}

/** Memory of the bot (RSS) and of its children (PSS sum), in MB. */
export function memoryOf(pid: number): { botRssMb: number; childrenPssMb: number; children: number } {
  const kids = childPids(pid);
  const pss = kids.reduce((sum, child) => sum + (pssKb(child) ?? 0), 0);
  return { botRssMb: (rssKb(pid) ?? 0) / 1024, childrenPssMb: pss / 1024, children: kids.length };
}

/** CPU % of one core used by this (bench) process since `since` (process.cpuUsage). */
export function selfCpuPct(since: { usage: NodeJS.CpuUsage; at: number }): number {
  const usage = process.cpuUsage(since.usage);
  return ((usage.user + usage.system) / 1000 / (performance.now() - since.at)) * 100;
}

/** The host's UDP receive-buffer overflow counter (RcvbufErrors in /proc/net/snmp): packets the kernel dropped. */
export function udpReceiveDrops(): number {
  const lines = (read('/proc/net/snmp') ?? '').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const i = names.indexOf('RcvbufErrors');
  return i > 0 ? Number(values[i] ?? 0) : 0;
}

/** utime + stime of every thread of `pid`, by thread id. */
export function threadTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return ticks;
  }
  for (const task of tasks) {
    const stat = threadStat(pid, Number(task));
    if (stat) ticks.set(Number(task), stat.self);
  }
  return ticks;
}

function threadStat(pid: number, tid: number): CpuTicks | undefined {
  const stat = read(`/proc/${pid}/task/${tid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self: Number(fields[11] ?? 0) + Number(fields[12] ?? 0), reaped: 0 };
}

export interface ThreadCpu {
  /** The main thread (gateway, commands, sources; with AUDIO_WORKERS=0 every player too), % of one core. */
  mainPct: number;
  /** The other threads, busiest first (% of one core each): with audio workers, the first ones are the workers. */
  busiestPct: number[];
  /** All other threads together (V8's GC helpers, libuv's pool, and the workers beyond `busiestPct`). */
  restPct: number;
}

/** Per-thread CPU of `pid` between two `threadTicks` samples taken `seconds` apart; `top` busiest listed. */
export function threadCpuBetween(
  pid: number,
  a: Map<number, number>,
  b: Map<number, number>,
  seconds: number,
  top = 4,
): ThreadCpu {
  const pct = (ticks: number) => Math.round((ticks / CLK_TCK / seconds) * 1000) / 10;
  const others: number[] = [];
  for (const [tid, ticks] of b) if (tid !== pid) others.push(ticks - (a.get(tid) ?? 0));
  others.sort((x, y) => y - x);
  return {
    mainPct: pct((b.get(pid) ?? 0) - (a.get(pid) ?? 0)),
    busiestPct: others.slice(0, top).map(pct),
    restPct: pct(others.slice(top).reduce((sum, t) => sum + t, 0)),
  };
}

/** Where a process's resident memory is, from /proc/<pid>/smaps (MB). */
export interface MemoryMap {
  /** The main thread's malloc heap (brk). */
  brkMb: number;
  /** glibc's per-thread malloc arenas: anonymous mappings aligned to 64 MB (HEAP_MAX_SIZE), and how many. */
  arenasMb: number;
  arenas: number;
  /** Every other anonymous mapping: V8's heaps (one per isolate: the main thread's and each worker's), large mallocs. */
  otherAnonMb: number;
  /** File-backed: code, native modules. */
  filesMb: number;
}

const ARENA_ALIGN = 64 * 2 ** 20;

export function memoryMap(pid: number): MemoryMap | undefined {
  const smaps = read(`/proc/${pid}/smaps`);
  if (!smaps) return undefined;
  const kb = { brk: 0, arenas: 0, anon: 0, files: 0 };
  let arenas = 0;
  let kind: keyof typeof kb = 'anon';
  for (const line of smaps.split('\n')) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (header) {
      const [, start, , inode, path] = header;
      const aligned = Number.parseInt(start!, 16) % ARENA_ALIGN === 0;
      kind = path === '[heap]' ? 'brk' : inode !== '0' ? 'files' : !path && aligned ? 'arenas' : 'anon';
      if (kind === 'arenas') arenas += 1;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb[kind] += Number(rss[1]);
  }
  const mb = (k: number) => Math.round((k / 1024) * 10) / 10;
  return { brkMb: mb(kb.brk), arenasMb: mb(kb.arenas), arenas, otherAnonMb: mb(kb.anon), filesMb: mb(kb.files) };
}
