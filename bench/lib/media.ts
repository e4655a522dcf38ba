import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toneFile, type ToneFormat, type ToneSpec } from '../../test/offline-discord/index.js';

const TYPES: Record<ToneFormat, string> = {
  ogg: 'audio/ogg',
  webm: 'audio/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  flac: 'audio/flac',
  wav: 'audio/wav',
};

/**
 * The benchmark's media server: tone files streamed from disk (the fake's media server holds a whole file in
 * memory per request, which at 300 concurrent streams would cost the bench process gigabytes), and M3U
 * playlists of any length. A query string makes a URL unique without changing what is served, so a
 * "cache miss" can be asked for on purpose.
 */
export class BenchMedia {
  private readonly server: Server;
  readonly hits = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** URL of a tone (generated once per machine by the fake's toneFile). */
  async tone(spec: ToneSpec, tag?: string): Promise<string> {
    await toneFile(spec);
    return `http://${this.host}/tone/${spec.hz}-${spec.seconds}.${spec.format}${tag ? `?${tag}` : ''}`;
  }

  /** An M3U playlist of `entries` unique URLs of the same tone. */
  playlist(entries: number, spec: ToneSpec): string {
    return `http://${this.host}/playlist/${entries}/${spec.hz}-${spec.seconds}.${spec.format}.m3u`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/');
    this.hits.set(parts[1] ?? '', (this.hits.get(parts[1] ?? '') ?? 0) + 1);
    if (parts[1] === 'tone') {
      const spec = parseTone(parts[2] ?? '');
      if (!spec) return void res.writeHead(404).end();
      const file = await toneFile(spec);
      res.writeHead(200, { 'content-type': TYPES[spec.format], 'content-length': statSync(file).size });
      const stream = createReadStream(file, { highWaterMark: 16 * 1024 });
      stream.pipe(res);
      res.on('close', () => stream.destroy());
      return;
    }
    if (parts[1] === 'playlist') {
      const entries = Number(parts[2]);
      const spec = parseTone((parts[3] ?? '').replace(/\.m3u$/, ''));
      if (!spec || !Number.isInteger(entries)) return void res.writeHead(404).end();
      const lines = ['#EXTM3U'];
      for (let i = 0; i < entries; i += 1) {
        lines.push(
          `#EXTINF:${spec.seconds},Tone ${i + 1}`,
          `http://${this.host}/tone/${spec.hz}-${spec.seconds}.${spec.format}?entry=${i}`,
        );
      }
      const body = Buffer.from(`${lines.join('\n')}\n`);
      res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
      res.end(body);
      return;
    }
    res.writeHead(404).end();
  }
}

function parseTone(name: string): ToneSpec | undefined {
  const m = /^(\d+)-(\d+)\.(ogg|webm|mp3|m4a|flac|wav)$/.exec(name);
  return m ? { hz: Number(m[1]), seconds: Number(m[2]), format: m[3] as ToneFormat } : undefined;
}

export async function startBenchMedia(): Promise<BenchMedia> {
  const media = new BenchMedia();
  await media.listen();
  return media;
}
