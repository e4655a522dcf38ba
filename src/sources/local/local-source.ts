import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isUserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { MediaStream, Query, Resolution, StreamOptions, Source } from '../../ports/source.js';
import { AUDIO_EXTENSIONS, LocalIndex, type LocalEntry } from './local-index.js';
import { sourceErrors } from '../source-errors.js';

export interface LocalSourceOptions {
  /** MEDIA_DIR. */
  readonly root: string;
  /** Plain-text searches go to the local library (SEARCH_SOURCE=local); `local:` searches always do. */
  readonly search?: boolean;
  readonly index?: LocalIndex;
  /** Rebuild the index when a search finds nothing and it is older than this (default 5 min). */
  readonly staleAfterMs?: number;
  /** Dates index builds (default: the system clock). */
  readonly clock?: Clock;
}

const PREFIX = 'local:';
const CONTENT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
  '.mka': 'audio/x-matroska',
};

const outside = sourceErrors.outsideFolder;

/**
 * Resolves `rel` inside `root` and returns the real path of a regular audio file there, or throws. The one
 * gate between user text and the disk: no NUL bytes, no absolute or drive paths, no `..` out of the root,
 * and the REAL path (after symbolic links) must still be inside the root's real path.
 */
export async function safeLocalPath(root: string, rel: string): Promise<string> {
  const relative = rel.replace(/\\/g, '/');
  if (relative.includes('\0') || path.posix.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) throw outside();
  const realRoot = await realpath(root);
  const inside = (p: string) =>
    p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
  const candidate = path.resolve(realRoot, ...relative.split('/'));
  if (!inside(candidate)) throw outside();
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw sourceErrors.localNotFound();
  }
  if (!inside(real)) throw outside();
  const info = await stat(real);
  if (!info.isFile() || !AUDIO_EXTENSIONS.test(real)) throw sourceErrors.localNotFound();
  return real;
}

/**
 * Music from a folder on the bot's machine (MEDIA_DIR; off unless set). `local:<path>` plays a file by its
 * path relative to the folder; `local:<words>` (and plain searches with SEARCH_SOURCE=local) search file
 * names and tags. Files are streamed straight from disk; every path is re-checked when played, because
 * tracks come back from persisted queues too.
 */
export class LocalSource implements Source {
  readonly name = 'local' as const;
  readonly index: LocalIndex;

  constructor(private readonly options: LocalSourceOptions) {
    this.index =
      options.index ?? new LocalIndex({ root: options.root, ...(options.clock ? { clock: options.clock } : {}) });
  }

  canHandle(query: Query): boolean {
    if (query.kind === 'url') return query.url.protocol === PREFIX;
    if (query.kind === 'search') return query.text.toLowerCase().startsWith(PREFIX) || this.options.search === true;
    return false;
  }

  async resolve(query: Query, _signal: AbortSignal): Promise<Resolution> {
    const text =
      query.kind === 'url'
        ? query.raw.slice(PREFIX.length)
        : query.kind === 'search'
          ? query.text.replace(/^local:/i, '')
          : '';
    await this.index.ready();
    const exact = await this.byPath(text.trim());
    if (exact) return { kind: 'track', track: localTrack(exact) };
    const [best] = await this.search(text, 1);
    if (!best) throw sourceErrors.localNotFound();
    return { kind: 'track', track: best };
  }

  async stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    if (!track.url.startsWith(PREFIX)) throw outside();
    const file = await safeLocalPath(this.options.root, track.url.slice(PREFIX.length));
    const stream = createReadStream(file, { signal: options.signal, highWaterMark: 64 * 1024 });
    stream.on('error', () => undefined); // an abort destroys it; the pipeline reports real read errors
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
    return { stream, ...(contentType ? { contentType } : {}) };
  }

  /** Best matches for autocomplete and `local:` searches; rebuilds a stale index once when nothing matches. */
  async search(text: string, limit = 10): Promise<Track[]> {
    await this.index.ready();
    let found = this.index.search(text, limit);
    if (
      found.length === 0 &&
      (this.options.clock ?? systemClock).now() - this.index.builtAt >= (this.options.staleAfterMs ?? 300_000)
    ) {
      await this.index.refresh();
      found = this.index.search(text, limit);
    }
    return found.map(localTrack);
  }

  /** An exact relative path (raw or URL-encoded), if it names an audio file inside the folder. */
  private async byPath(text: string): Promise<LocalEntry | undefined> {
    if (!AUDIO_EXTENSIONS.test(text)) return undefined;
    const candidates = [text];
    try {
      candidates.push(decodeURIComponent(text));
    } catch {
      // not URL-encoded
    }
    for (const rel of candidates) {
      const normalised = path.posix.normalize(rel.replace(/\\/g, '/'));
      const known = this.index.get(normalised);
      if (known) return known;
      const file = await safeLocalPath(this.options.root, rel).catch((error: unknown) => {
        if (isUserError(error) && error.code === 'LOCAL_OUTSIDE_FOLDER') throw error;
        return undefined;
      });
      if (file)
        return this.index.add(
          path
            .relative(await realpath(this.options.root), file)
            .split(path.sep)
            .join('/'),
          file,
        );
    }
    return undefined;
  }
}

export function localTrack(entry: LocalEntry): Track {
  return {
    id: `local:${entry.rel}`,
    source: 'local',
    title: entry.title,
    url: `${PREFIX}${entry.rel}`,
    durationMs: null,
    ...(entry.artist ? { artist: entry.artist } : {}),
  };
}
