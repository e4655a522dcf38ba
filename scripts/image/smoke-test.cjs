'use strict';
// Smoke test run INSIDE a built rootfs (by scripts/build-image.sh): the native modules the bot
// needs load and work on this architecture. Prints one line per check; exit 1 if any failed.
const { createRequire } = require('node:module');

const appDir = process.argv[2] || '/app';
const appRequire = createRequire(`${appDir}/package.json`);
let failed = 0;

async function check(name, fn) {
  try {
    const detail = await fn();
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${name}: ${err?.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : err}`);
  }
}

(async () => {
  await check('node', () => `${process.version} ${process.platform}/${process.arch} (ABI ${process.versions.modules})`);

  await check('@discordjs/opus', () => {
    const { OpusEncoder } = appRequire('@discordjs/opus');
    const enc = new OpusEncoder(48000, 2);
    const pcm = Buffer.alloc(960 * 2 * 2); // 20 ms of 48 kHz stereo s16le
    for (let i = 0; i < 960; i += 1) {
      const s = Math.round(Math.sin((2 * Math.PI * 440 * i) / 48000) * 8000);
      pcm.writeInt16LE(s, i * 4);
      pcm.writeInt16LE(s, i * 4 + 2);
    }
    const packet = enc.encode(pcm);
    const back = enc.decode(packet);
    if (back.length !== pcm.length) throw new Error(`decoded ${back.length} bytes, expected ${pcm.length}`);
    return `20 ms stereo frame -> ${packet.length}-byte Opus packet -> ${back.length} bytes PCM`;
  });

  await check(
    'sqlite3',
    () =>
      new Promise((resolve, reject) => {
        const sqlite3 = appRequire('sqlite3');
        const db = new sqlite3.Database(':memory:');
        db.serialize(() => {
          db.run('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)');
          db.run('INSERT INTO kv VALUES (?, ?)', ['a', 'b']);
          db.get('SELECT sqlite_version() AS version, (SELECT v FROM kv WHERE k = ?) AS v', ['a'], (err, row) => {
            db.close();
            if (err) reject(err);
            else if (row.v !== 'b') reject(new Error(`read back ${row.v}`));
            else resolve(`SQLite ${row.version}, in-memory write/read ok`);
          });
        });
      }),
  );

  await check('@snazzah/davey', () => {
    const davey = appRequire('@snazzah/davey');
    const v = davey.DAVE_PROTOCOL_VERSION;
    return `loaded native binding${v !== undefined ? ` (DAVE protocol ${v})` : ''}`;
  });

  process.exitCode = failed ? 1 : 0;
})();
