import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for LRCLIB (https://lrclib.net) on loopback. Routes and shapes follow LRCLIB's API documentation
 * (https://lrclib.net/docs) and its server (github.com/tranxuanthang/lrclib): records carry `id`, `name`,
 * `trackName`, `artistName`, `albumName`, `duration` (seconds, a float), `instrumental`, `plainLyrics` and
 * `syncedLyrics` (LRC text, `null` when absent); a miss on `/api/get` is 404 with
 * `{"message":"Failed to find specified track","name":"TrackNotFound","statusCode":404}`; `/api/search`
 * answers an array (possibly empty). `/api/get` matches title and artist case-insensitively and, when a
 * duration is given, within ±2 s, as LRCLIB does.
 */
export interface FakeLyrics {
  readonly trackName: string;
  readonly artistName: string;
  readonly albumName?: string;
  readonly duration: number;
  readonly plainLyrics?: string | null;
  readonly syncedLyrics?: string | null;
  readonly instrumental?: boolean;
}

export class FakeLrclib {
  private readonly server: Server;
  private readonly records: Array<FakeLyrics & { id: number }> = [];
  readonly requests: string[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push(`${url.pathname}${url.search}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const byId = /^\/api\/get\/(\d+)$/.exec(url.pathname);
      if (byId) {
        const found = this.records.find((r) => r.id === Number(byId[1]));
        return found ? send(200, shape(found)) : send(404, NOT_FOUND);
      }
      if (url.pathname === '/api/get') {
        const track = url.searchParams.get('track_name')?.toLowerCase();
        const artist = url.searchParams.get('artist_name')?.toLowerCase();
        if (!track || !artist)
          return send(400, { code: 400, name: 'QueryParseError', message: 'missing field `track_name`' });
        const duration = url.searchParams.get('duration');
        const found = this.records.find(
          (r) =>
            r.trackName.toLowerCase() === track &&
            r.artistName.toLowerCase() === artist &&
            (duration === null || Math.abs(r.duration - Number(duration)) <= 2),
        );
        return found ? send(200, shape(found)) : send(404, NOT_FOUND);
      }
      if (url.pathname === '/api/search') {
        const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
        const hits = this.records.filter((r) =>
          words.every((w) => `${r.trackName} ${r.artistName}`.toLowerCase().includes(w)),
        );
        return send(200, hits.slice(0, 20).map(shape));
      }
      send(404, { code: 404, name: 'NotFound', message: 'Not found' });
    });
  }

  add(record: FakeLyrics): number {
    const id = 3_396_226 + this.records.length;
    this.records.push({ ...record, id });
    return id;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const NOT_FOUND = { message: 'Failed to find specified track', name: 'TrackNotFound', statusCode: 404 };

function shape(r: FakeLyrics & { id: number }) {
  return {
    id: r.id,
    name: r.trackName,
    trackName: r.trackName,
    artistName: r.artistName,
    albumName: r.albumName ?? r.trackName,
    duration: r.duration,
    instrumental: r.instrumental ?? false,
    plainLyrics: r.plainLyrics ?? null,
    syncedLyrics: r.syncedLyrics ?? null,
  };
}
