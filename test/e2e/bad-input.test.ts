import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startBot,
  startMediaServer,
  startOfflineDiscord,
  toneFile,
  type BotProcess,
  type MediaServer,
  type OfflineDiscord,
  type OptionShorthand,
} from '../offline-discord/index.js';

/**
 * A corpus of bad input through the real command path (/play, /seek, /move, /remove): every item gets a clear
 * catalogue reply (no stack trace, no "something went wrong"), nothing private is ever fetched (a canary
 * server on a loopback port the bot may not reach counts requests and must stay at zero; so must the media
 * server for spellings of it that are not the allowed one), nothing in a reply pings anyone, and the bot
 * keeps serving: a normal /play works at the end.
 */
let discord: OfflineDiscord;
let media: MediaServer;
let bot: BotProcess;
let g: string;
let alice: string;
/** Serves what the media server cannot: chosen headers (titles), huge and nested playlists. */
let custom: Server;
let customHost: string;
/** A loopback server the bot is NOT allowed to reach: any request to it is a failure of the address policy. */
let canary: Server;
let canaryPort: number;
const canaryHits: string[] = [];

const STACK_TRACE = /\n\s+at \S|\b\w*Error: |\.(?:ts|js):\d+|node_modules|\[object Object\]|Something went wrong/;
const PRIVATE = /private or local network/;
const SCHEME = /Only http:\/\/ and https:\/\//;
const RAW_MENTION = /@everyone|@here|<@[!&]?\d+>|<#\d+>/;

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

async function ask(name: string, options?: OptionShorthand, timeoutMs = 30_000): Promise<string> {
  const handle = discord.sendCommand({ guildId: g, userId: alice, name, ...(options ? { options } : {}) });
  const reply = await handle.reply(undefined, timeoutMs);
  expect(reply.allowedMentions, 'every reply suppresses mentions').toMatchObject({ parse: [] });
  return reply.content ?? '';
}

function handleCustom(req: IncomingMessage, res: import('node:http').ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/mention-disposition.ogg') {
    void toneFile({ hz: 500, seconds: 20, format: 'ogg' }).then((file) => {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': 'audio/ogg',
        'content-length': body.length,
        'content-disposition': 'attachment; filename="@everyone <@&123456789012345678> hi <@98765432109876543>.ogg"',
      });
      res.end(body);
    });
    return;
  }
  if (url.pathname === '/mention-icy') {
    void toneFile({ hz: 510, seconds: 20, format: 'ogg' }).then((file) => {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': 'audio/ogg',
        'content-length': body.length,
        'icy-name': '@here radio <@&123456789012345678> <#123456789012345678>',
      });
      res.end(body);
    });
    return;
  }
  if (url.pathname === '/huge.m3u') {
    // 100,000 entries, all different, all pointing at the media server.
    const lines = ['#EXTM3U'];
    for (let i = 0; i < 100_000; i += 1)
      lines.push(`#EXTINF:20,Entry ${i}`, `http://${media.host}/tone/520-20.ogg?entry=${i}`);
    const body = Buffer.from(lines.join('\n'));
    res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
    res.end(body);
    return;
  }
  if (url.pathname === '/nested.m3u') {
    const body = Buffer.from(
      `#EXTM3U\nhttp://${customHost}/level1.m3u\nhttp://${media.host}/tone/530-20.ogg?nested=top\n`,
    );
    res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
    res.end(body);
    return;
  }
  if (url.pathname === '/level1.m3u') {
    const body = Buffer.from(
      `#EXTM3U\nhttp://${customHost}/level2.m3u\nhttp://${media.host}/tone/531-20.ogg?nested=one\n`,
    );
    res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
    res.end(body);
    return;
  }
  if (url.pathname === '/level2.m3u') {
    const body = Buffer.from(`#EXTM3U\nhttp://${media.host}/tone/532-20.ogg?nested=two\n`);
    res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
    res.end(body);
    return;
  }
  if (url.pathname === '/private.m3u') {
    const body = Buffer.from(
      `#EXTM3U\nhttp://127.0.0.1:${canaryPort}/from-playlist.ogg\nhttp://169.254.169.254/latest/meta-data/\nhttp://[::ffff:127.0.0.1]:${canaryPort}/mapped.ogg\n`,
    );
    res.writeHead(200, { 'content-type': 'audio/x-mpegurl', 'content-length': body.length });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  canary = createHttpServer((req, res) => {
    canaryHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'audio/ogg' }).end('secret');
  });
  canaryPort = await listen(canary);
  custom = createHttpServer(handleCustom);
  customHost = `127.0.0.1:${await listen(custom)}`;
  discord = await startOfflineDiscord();
  media = await startMediaServer();
  bot = startBot(discord, { mediaHost: media.host, env: { ALLOWED_PRIVATE_HOSTS: `${media.host},${customHost}` } });
  await bot.waitUntilReady();
  g = discord.guild.id;
  alice = discord.world.userByName('alice')!.id;
  discord.setUserVoiceChannel(g, alice, discord.world.voiceChannel(g, 'Music').id);
});

describe('before the bot is in voice', () => {
  // /play joins voice in parallel with resolving; links refused without any network (scheme, private literal,
  // localhost) must not cost a join and a leave: two of the ~120 gateway messages a minute a shard may send.
  it('a link refused at once does not make the bot join (and leave) voice', async () => {
    const before = discord.gateway.opsOf(4).length;
    for (const query of ['http://10.0.0.1/a.mp3', 'ftp://example.com/a.mp3', `http://localhost:${canaryPort}/a.ogg`]) {
      expect(await ask('play', { query })).toMatch(/private or local network|Only http/);
    }
    expect(discord.gateway.opsOf(4).length - before).toBe(0);
  });

  it('a session for the rest of the corpus: refusals below then cost no voice join each', async () => {
    const url = await media.tone({ hz: 600, seconds: 240, format: 'ogg' });
    expect(await ask('play', { query: url })).toMatch(/Started/);
    await discord.voice.waitForFrequency(g, 600, { toleranceHz: 4, timeoutMs: 15_000 });
  });
});

afterAll(async () => {
  await discord?.close();
  await media?.close();
  await new Promise<void>((resolve) => (custom ? custom.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
});

describe('queries', () => {
  it.each([
    ['empty', '', /Tell me what to play/],
    ['only spaces', '     ', /Tell me what to play/],
    ['only zero-width and bidi characters', '\u200B\u200C\u200D\u2060\uFEFF\u202E', /Tell me what to play/],
    ['5,000 characters', 'a'.repeat(5000), /too long/],
    ['5,000 characters of URL', `https://example.com/${'a'.repeat(5000)}.mp3`, /too long/],
    ['a URL that does not parse', 'http://exa mple.com:99999999/', /.+/],
    ['a port out of range', 'http://example.com:99999/a.mp3', /valid link/],
  ])('%s', async (_name, query, expected) => {
    const reply = await ask('play', { query });
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(STACK_TRACE);
  });

  it('Unicode, emoji, RTL and zero-width text in a search get a clear answer', async () => {
    for (const query of ['日本語の曲 🎵', 'שיר ישן\u202E', 'Ze\u200Bro wi\u200Bdth song', '🎵🎶🎸🥁', 'Z̷̢̛a̸̧͝l̵̨̛g̶̡̛o̴̢͠ music']) {
      const reply = await ask('play', { query });
      expect(reply.length).toBeGreaterThan(0);
      expect(reply).not.toMatch(STACK_TRACE);
      expect(reply).not.toMatch(/\u202E/);
    }
  });
});

describe('URL schemes other than http(s) are refused before anything is fetched', () => {
  it.each([
    'ftp://example.com/song.mp3',
    'file:///etc/passwd',
    'file://localhost/etc/shadow',
    'data:audio/ogg;base64,T2dnUwACAAAAAAAAAAA=',
    'javascript:alert(1)',
    'gopher://example.com:70/1',
    'ws://example.com/stream',
    'wss://example.com/stream',
    'sftp://example.com/song.mp3',
    'smb://server/share/song.mp3',
    'blob:https://example.com/uuid',
    'about:blank',
    'chrome://settings',
    'mailto:someone@example.com',
    'tel:+15555550100',
    'dict://example.com:2628/d:song',
    'ldap://example.com/',
    'telnet://127.0.0.1:23/',
  ])('%s', async (query) => {
    const reply = await ask('play', { query });
    expect(reply).toMatch(SCHEME);
    expect(reply).not.toMatch(STACK_TRACE);
  });
});

describe('private, loopback and metadata addresses in every spelling', () => {
  const spellings = (port: number): Array<[string, string]> => [
    ['loopback', `http://127.0.0.1:${port}/a.ogg`],
    ['loopback, short form', `http://127.1:${port}/a.ogg`],
    ['loopback, decimal', `http://2130706433:${port}/a.ogg`],
    ['loopback, hex', `http://0x7f000001:${port}/a.ogg`],
    ['loopback, dotted hex', `http://0x7f.0x0.0x0.0x1:${port}/a.ogg`],
    ['loopback, octal', `http://0177.0.0.01:${port}/a.ogg`],
    ['another loopback address', `http://127.10.20.30:${port}/a.ogg`],
    ['0.0.0.0 (reaches the local host on Linux)', `http://0.0.0.0:${port}/a.ogg`],
    ['0 (short for 0.0.0.0)', `http://0:${port}/a.ogg`],
    ['IPv6 loopback', `http://[::1]:${port}/a.ogg`],
    ['IPv4-mapped IPv6', `http://[::ffff:127.0.0.1]:${port}/a.ogg`],
    ['IPv4-mapped IPv6, hex', `http://[::ffff:7f00:1]:${port}/a.ogg`],
    ['IPv4-compatible IPv6', `http://[::127.0.0.1]:${port}/a.ogg`],
    ['NAT64 of loopback', `http://[64:ff9b::7f00:1]:${port}/a.ogg`],
    ['6to4 of loopback', `http://[2002:7f00:1::]:${port}/a.ogg`],
    ['localhost', `http://localhost:${port}/a.ogg`],
    ['LOCALHOST in capitals', `http://LOCALHOST:${port}/a.ogg`],
    ['a *.localhost name', `http://music.localhost:${port}/a.ogg`],
    ['localhost with a trailing dot', `http://localhost.:${port}/a.ogg`],
    ['credentials before a loopback host', `http://user:pass@127.0.0.1:${port}/a.ogg`],
    ['an allowed-looking host as credentials', `http://${media.host}@127.0.0.1:${port}/a.ogg`],
  ];

  it('a loopback canary the bot may not reach: refused in every spelling, never fetched', async () => {
    for (const [name, url] of spellings(canaryPort)) {
      const reply = await ask('play', { query: url });
      // `localhost.` does not resolve here (FETCH_FAILED); where it does, the lookup guard refuses it.
      expect(reply, `${name}: ${url}`).toMatch(
        name.includes('trailing dot') ? /private or local network|couldn't fetch/ : PRIVATE,
      );
      expect(reply).not.toMatch(STACK_TRACE);
    }
    expect(canaryHits).toEqual([]);
  });

  it.each([
    ['RFC 1918 10/8', 'http://10.0.0.1/a.mp3'],
    ['RFC 1918 172.16/12', 'http://172.16.5.4/a.mp3'],
    ['RFC 1918 192.168/16', 'http://192.168.1.1/a.mp3'],
    ['CGNAT', 'http://100.64.0.1/a.mp3'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['cloud metadata, decimal', 'http://2852039166/latest/meta-data/'],
    ['cloud metadata, IPv4-mapped', 'http://[::ffff:a9fe:a9fe]/latest/meta-data/'],
    ['cloud metadata, trailing dot in the name', 'http://metadata.google.internal./computeMetadata/v1/'],
    ['unique-local IPv6', 'http://[fd00::1]/a.mp3'],
    ['link-local IPv6', 'http://[fe80::1]/a.mp3'],
    ['multicast', 'http://224.0.0.1/a.mp3'],
    ['broadcast', 'http://255.255.255.255/a.mp3'],
    ['documentation range', 'http://192.0.2.10/a.mp3'],
  ])('%s', async (_name, url) => {
    const reply = await ask('play', { query: url });
    // A name that does not resolve offline cannot be fetched either; it just says so.
    expect(reply).toMatch(/private or local network|couldn't fetch|took too long/);
    expect(reply).not.toMatch(STACK_TRACE);
  });

  it('the media server reached through another host name or address than its allowed one is refused and never hit', async () => {
    // Numeric spellings of 127.0.0.1 (127.1, 2130706433, 0x7f000001…) are normalised by the URL parser to the
    // allowed host itself, so they may be fetched: that is the same endpoint, not a way around the policy.
    const port = Number(media.host.split(':')[1]);
    const urls = spellings(port)
      .map(([name, url], i) => [name, url.replace('/a.ogg', `/canary-${i}`)] as const)
      .filter(([name, url]) => new URL(url).host !== media.host && !name.includes('credentials'));
    expect(urls.length).toBeGreaterThan(8);
    for (const [name, url] of urls) {
      expect(await ask('play', { query: url }), url).toMatch(
        name.includes('trailing dot') ? /private or local network|couldn't fetch/ : PRIVATE,
      );
      expect(media.hits(new URL(url).pathname), url).toBe(0);
    }
  });

  it('redirects from an allowed host into private space are refused at the hop, never followed', async () => {
    for (const target of [
      `http://127.0.0.1:${canaryPort}/redirected`,
      `http://[::ffff:127.0.0.1]:${canaryPort}/redirected-mapped`,
      `http://localhost:${canaryPort}/redirected-name`,
      `http://2130706433:${canaryPort}/redirected-decimal`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      for (const status of [301, 302, 307, 308]) {
        const reply = await ask('play', { query: media.redirect(target, status) });
        expect(reply, `${status} → ${target}`).toMatch(PRIVATE);
      }
    }
    expect(await ask('play', { query: media.redirect('file:///etc/passwd') })).toMatch(SCHEME);
    expect(await ask('play', { query: media.redirect('gopher://127.0.0.1:70/') })).toMatch(SCHEME);
    expect(canaryHits).toEqual([]);
  });
});

describe('media that is not what it claims', () => {
  // Idle (session kept): each /play tries to start its track at once, so the reply tells how that went.
  beforeEach(async () => {
    await ask('stop');
  });

  it.each([
    ['zero bytes', () => media.empty(), /couldn't be decoded|doesn't point to audio/],
    ['an HTML page', () => media.html(), /doesn't point to audio/],
    ['random bytes', () => media.random(), /doesn't point to audio|couldn't be decoded/],
    ['64 random bytes', () => media.random(64), /doesn't point to audio|couldn't be decoded/],
    ['a 404', () => media.status(404), /answered with an error/],
    ['a 500', () => media.status(500), /answered with an error/],
    ['a 403', () => media.status(403), /answered with an error/],
  ])('%s', async (_name, url, expected) => {
    const reply = await ask('play', { query: url() });
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(STACK_TRACE);
  });

  it('a file cut to its first 2 %: plays what there is or says it is broken, and the bot moves on', async () => {
    const reply = await ask('play', { query: await media.truncated({ hz: 540, seconds: 20, format: 'ogg' }, 0.02) });
    expect(reply).toMatch(/Started|couldn't be decoded|doesn't point to audio/);
    expect(reply).not.toMatch(STACK_TRACE);
    await ask('stop');
  });

  it('an MP3 cut to its first 1 %: the same', async () => {
    const reply = await ask('play', { query: await media.truncated({ hz: 545, seconds: 20, format: 'mp3' }, 0.01) });
    expect(reply).toMatch(/Started|couldn't be decoded|doesn't point to audio/);
    expect(reply).not.toMatch(STACK_TRACE);
    await ask('stop');
  });
});

describe('playlists', () => {
  it('100,000 entries: answered promptly, capped, the bot stays responsive', async () => {
    const started = performance.now();
    const reply = await ask('play', { query: `http://${customHost}/huge.m3u` }, 60_000);
    expect(reply).not.toMatch(STACK_TRACE);
    // 6.8 MB of M3U: refused by size before parsing (a shorter file would be capped at MAX_PLAYLIST entries).
    expect(reply).toMatch(/too large|Started|Queued/i);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(await ask('queue')).not.toMatch(STACK_TRACE);
    await ask('stop');
  }, 90_000);

  it('nested playlists are followed one level deep, never further', async () => {
    const reply = await ask('play', { query: `http://${customHost}/nested.m3u` });
    expect(reply).not.toMatch(STACK_TRACE);
    expect(reply).toMatch(/Started \*\*531/);
    // The rest loads in the background: the top-level entry joins; the second level is never followed.
    let queue = '';
    for (let i = 0; i < 50 && !/530/.test(queue); i += 1) {
      queue = await ask('queue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(queue).toMatch(/530/);
    expect(`${reply}\n${queue}`).not.toMatch(/532/);
    expect(media.hits('/tone/532-20.ogg')).toBe(0);
    await ask('stop');
  });

  it('entries pointing into private space are skipped, never fetched', async () => {
    const reply = await ask('play', { query: `http://${customHost}/private.m3u` });
    expect(reply).not.toMatch(STACK_TRACE);
    expect(reply).toMatch(PRIVATE);
    expect(canaryHits).toEqual([]);
    await ask('stop');
  });
});

describe('mentions in titles', () => {
  afterEach(async () => {
    await ask('stop');
  });

  it.each([
    ['a Content-Disposition file name', () => `http://${customHost}/mention-disposition.ogg`],
    ['an ICY station name', () => `http://${customHost}/mention-icy`],
    ['the URL path itself', () => `${media.url('/tone/550-20.ogg')}/%40everyone%20%3C%40%26123456789012345678%3E`],
  ])('%s: shown defanged, never pinging', async (_name, url) => {
    const since = performance.now();
    const reply = await ask('play', { query: url() });
    expect(reply).toMatch(/Started|Queued/);
    expect(reply).not.toMatch(RAW_MENTION);
    // Every message the bot wrote since (the now-playing card included) suppresses mentions and shows none raw.
    const written = discord.messages.snapshots.filter((s) => s.at >= since && s.source !== 'interaction-deferred');
    for (const message of written) {
      expect(message.allowedMentions).toMatchObject({ parse: [] });
      expect(`${message.content} ${JSON.stringify(message.embeds)}`).not.toMatch(RAW_MENTION);
    }
    expect(await ask('queue')).not.toMatch(RAW_MENTION);
    expect(await ask('nowplaying')).not.toMatch(RAW_MENTION);
  });
});

describe('invalid arguments to /seek, /move and /remove', () => {
  // Known state: 560 (60 s) playing, 561 and 562 queued.
  beforeAll(async () => {
    await ask('stop');
    for (const hz of [560, 561, 562])
      await ask('play', { query: `${await media.tone({ hz, seconds: 60, format: 'ogg' })}?arg=${hz}` });
  });

  it.each([
    'abc',
    '-',
    '+',
    '1:60',
    '1:2:3:4',
    '99999999',
    '25:00:00',
    '10:',
    ':10',
    '1e3',
    '0x10',
    '١٢',
    '1 : 2',
    '∞',
    'NaN',
    '-0:-1',
    '⁹',
  ])('/seek %j', async (position) => {
    const reply = await ask('seek', { position });
    expect(reply).toMatch(/^❌ /);
    expect(reply).not.toMatch(STACK_TRACE);
  });

  it('/seek past the end of the track', async () => {
    expect(await ask('nowplaying')).toMatch(/560/);
    const reply = await ask('seek', { position: '59:00' });
    expect(reply).toMatch(/^❌ .*outside the track/);
  });

  it.each([
    [0, 1],
    [1, 0],
    [-3, 1],
    [1, -3],
    [99, 1],
    [1, 99],
    [2 ** 31, 1],
    [1, 2 ** 53],
  ])('/move from %i to %i', async (from, to) => {
    const reply = await ask('move', { from, to });
    expect(reply).toMatch(/^❌ /);
    expect(reply).not.toMatch(STACK_TRACE);
  });

  it.each(['0', '-1', 'abc', '5-2', '1-999999', '99', '1--2', '1-', '-', '1.5', '', ' ', '1,2', '0-0', '2-1'])(
    '/remove %j',
    async (position) => {
      const reply = await ask('remove', { position });
      expect(reply).toMatch(/^❌ /);
      expect(reply).not.toMatch(STACK_TRACE);
    },
  );

  it('the queue is untouched by all of it', async () => {
    expect(await ask('queue')).toMatch(/Now playing:\*\* 560[\s\S]*561[\s\S]*562/);
    await ask('stop');
  });
});

describe('afterwards', () => {
  it('the bot still plays, nothing private was fetched, nothing crashed', async () => {
    const url = await media.tone({ hz: 700, seconds: 20, format: 'ogg' });
    const play = discord.sendCommand({ guildId: g, userId: alice, name: 'play', options: { query: url } });
    expect((await play.reply(undefined, 20_000)).content).toMatch(/Started/);
    await discord.voice.waitForFrequency(g, 700, { toleranceHz: 4, since: play.dispatchedAt, timeoutMs: 15_000 });
    expect(canaryHits).toEqual([]);
    expect(bot.exitInfo).toBeUndefined();
    expect(
      bot.logs
        .filter((l) =>
          /uncaught exception|unhandled promise rejection|interaction failed/.test(String(l.json?.msg ?? l.line)),
        )
        .map((l) => l.line),
    ).toEqual([]);
  });
});
