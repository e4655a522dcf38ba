import { UserError } from '../core/errors.js';
import type { Track } from '../core/track.js';
import type { Query, Resolution, Source, StreamOptions, MediaStream } from '../ports/source.js';

/**
 * The ordered list of source adapters. The first that can handle a query resolves it; a track is streamed
 * by the adapter named in `track.source`.
 */
export class SourceRegistry {
  private readonly byName: ReadonlyMap<string, Source>;

  constructor(private readonly sources: readonly Source[]) {
    this.byName = new Map(sources.map((s) => [s.name, s]));
  }

  /** The adapter that would resolve `query` (the first that can handle it), for per-source caching and breakers. */
  find(query: Query): Source | undefined {
    return this.sources.find((s) => s.canHandle(query));
  }

  /** The adapter that streams tracks of `name`. */
  named(name: string): Source | undefined {
    return this.byName.get(name);
  }

  resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    const source = this.sources.find((s) => s.canHandle(query));
    if (!source) return Promise.reject(unsupported(query));
    return source.resolve(query, signal);
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    const source = this.byName.get(track.source);
    if (!source) return Promise.reject(new UserError('SOURCE_UNAVAILABLE'));
    return source.stream(track, options);
  }
}

function unsupported(query: Query): UserError {
  if (query.kind === 'url' && !/^https?:$/.test(query.url.protocol)) return new UserError('UNSUPPORTED_SCHEME');
  return new UserError('UNSUPPORTED_QUERY');
}
