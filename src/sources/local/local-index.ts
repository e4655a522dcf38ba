import type { Dir } from 'node:fs';
import { open, opendir, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../../ports/clock.js';
import { words } from '../catalog/match-score.js';
import { readId3v1, readTags, TAG_READ_BYTES, type AudioTags } from './local-tags.js';

/**
 * The index of MEDIA_DIR: every audio file's relative path with its title and artist (from tags, else the
 * file name), built at start and rebuilt on demand. Searching is in memory (prefix words, so autocomplete
 * works while typing). Bounded: `maxFiles` entries, `maxDepth` folders deep; hidden entries and symbolic
 * links are not followed (a link could lead out of the folder).
 */

export interface LocalEntry {
  /** Path relative to the root, `/`-separated. */
  readonly rel: string;
  readonly title: string;
  readonly artist?: string;
  /** Normalised words of path, title and artist, for matching. */
  readonly words: readonly string[];
}

export interface LocalIndexOptions {
  readonly root: string;
  /** Dates builds (default: the system clock). */
  readonly clock?: Clock;
  readonly maxFiles?: number;
  readonly maxDepth?: number;
  /** Read ID3/Vorbis tags while indexing (default true). */
  readonly readTags?: boolean;
}

export const AUDIO_EXTENSIONS = /\.(?:mp3|flac|ogg|oga|opus|m4a|aac|wav|webm|mka|wma|aiff?)$/i;
const TAG_CONCURRENCY = 8;

export class LocalIndex {
  private entries = new Map<string, LocalEntry>();
  private building: Promise<number> | null = null;
  /** Epoch ms of the last completed build (0: never). */
  builtAt = 0;

  constructor(private readonly options: LocalIndexOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Rebuilds the index (joining a rebuild already running); resolves with the number of files. */
  refresh(): Promise<number> {
    this.building ??= this.build().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  /** Waits for the first build (starting it if needed). */
  async ready(): Promise<void> {
    if (this.builtAt === 0) await this.refresh();
  }

  get(rel: string): LocalEntry | undefined {
    return this.entries.get(rel);
  }

  /** Adds one file found after the last build (a path a user named exactly). */
  async add(rel: string, absolute: string): Promise<LocalEntry> {
    const entry = await this.entryFor(rel, absolute);
    this.entries.set(rel, entry);
    return entry;
  }

  /** Entries whose words start with every query word; best first (title hits, then shorter names). */
  search(text: string, limit = 10): LocalEntry[] {
    const query = words(text);
    if (query.length === 0) return [];
    const scored: { entry: LocalEntry; score: number }[] = [];
    for (const entry of this.entries.values()) {
      if (!query.every((q) => entry.words.some((w) => w.startsWith(q)))) continue;
      const titleWords = words(entry.title);
      const inTitle = query.filter((q) => titleWords.some((w) => w.startsWith(q))).length;
      scored.push({ entry, score: inTitle * 100 - entry.words.length });
    }
    scored.sort((a, b) => b.score - a.score || a.entry.rel.localeCompare(b.entry.rel));
    return scored.slice(0, limit).map((s) => s.entry);
  }

  private async build(): Promise<number> {
    const root = await realpath(this.options.root);
    const files: string[] = [];
    await this.walk(root, root, 0, files);
    const next = new Map<string, LocalEntry>();
    for (let i = 0; i < files.length; i += TAG_CONCURRENCY) {
      const batch = files.slice(i, i + TAG_CONCURRENCY);
      const entries = await Promise.all(batch.map((rel) => this.entryFor(rel, path.join(root, rel))));
      for (const entry of entries) next.set(entry.rel, entry);
    }
    this.entries = next;
    this.builtAt = (this.options.clock ?? systemClock).now();
    return next.size;
  }

  private async walk(root: string, dir: string, depth: number, out: string[]): Promise<void> {
    if (depth > (this.options.maxDepth ?? 12)) return;
    const max = this.options.maxFiles ?? 20_000;
    let handle: Dir;
    try {
      handle = await opendir(dir);
    } catch {
      return; // unreadable folder: skip it
    }
    for await (const dirent of handle) {
      if (out.length >= max) return;
      if (dirent.name.startsWith('.') || dirent.isSymbolicLink()) continue;
      const full = path.join(dir, dirent.name);
      if (dirent.isDirectory()) await this.walk(root, full, depth + 1, out);
      else if (dirent.isFile() && AUDIO_EXTENSIONS.test(dirent.name))
        out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }

  private async entryFor(rel: string, absolute: string): Promise<LocalEntry> {
    const tags = this.options.readTags === false ? {} : await tagsOf(absolute);
    const base = path.posix.basename(rel).replace(AUDIO_EXTENSIONS, '').replace(/_+/g, ' ').trim();
    const title = tags.title ?? base;
    return {
      rel,
      title,
      ...(tags.artist ? { artist: tags.artist } : {}),
      words: [...new Set(words(`${rel.replace(AUDIO_EXTENSIONS, '')} ${title} ${tags.artist ?? ''}`))],
    };
  }
}

async function tagsOf(file: string): Promise<AudioTags> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const size = Math.min(TAG_READ_BYTES, (await stat(file)).size);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    const tags = readTags(buffer.subarray(0, bytesRead));
    if (tags.title || !/\.mp3$/i.test(file)) return tags;
    // No ID3v2 title: an ID3v1 tag lives in the last 128 bytes.
    const total = (await stat(file)).size;
    const tail = Buffer.alloc(Math.min(128, total));
    const read = await handle.read(tail, 0, tail.length, total - tail.length);
    const v1 = readId3v1(tail.subarray(0, read.bytesRead));
    const artist = tags.artist ?? v1.artist;
    return { ...(v1.title ? { title: v1.title } : {}), ...(artist ? { artist } : {}) };
  } catch {
    return {};
  } finally {
    await handle?.close();
  }
}
