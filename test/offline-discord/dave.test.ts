import davey from '@snazzah/davey';
import { afterEach, describe, expect, it } from 'vitest';
import { DaveExternalSender } from './dave-external-sender.js';
import { DaveMediaSession } from './dave-media.js';
import { DaveListener } from './dave-listener.js';
import { encodeVarint, TlsReader, TlsWriter } from './mls-codec.js';
import { readKeyPackageMessage, snowflakeBytes } from './mls-messages.js';
import { ChangeFeed } from './wait.js';

const CHANNEL = '1300000000000000001';
const BOT = '1300000000000000002';
const USERS = ['1300000000000000003', '1300000000000000004', '1300000000000000005'];

let session: DaveMediaSession | undefined;
afterEach(() => {
  session?.close();
  session = undefined;
});

/** A media session whose "bot" is itself a davey listener, so the group can be driven without a bot process. */
function start(): {
  media: DaveMediaSession;
  bot: DaveListener;
  feed: ChangeFeed;
  until: (what: string, check: () => boolean) => Promise<void>;
} {
  const feed = new ChangeFeed();
  const media = new DaveMediaSession('g', CHANNEL, BOT, 1, { onChange: () => feed.notify() });
  session = media;
  const bot = new DaveListener(BOT, CHANNEL, media.gateway, 0);
  media.attachBot(bot);
  const until = (what: string, check: () => boolean): Promise<void> =>
    feed
      .waitFor(
        () => (check() ? true : undefined),
        10_000,
        () =>
          `${what}: epoch ${media.gateway.epoch}, tree ${JSON.stringify(media.gateway.tree)}, rejected ${JSON.stringify(media.gateway.rejectedCommits)}`,
      )
      .then(() => undefined);
  return { media, bot, feed, until };
}

function allSecured(media: DaveMediaSession): boolean {
  return (
    !media.gateway.transitionInFlight &&
    media.listeners.size > 0 &&
    [...media.listeners.keys()].every((id) => media.secured(id))
  );
}

describe('offline DAVE gateway (MLS external sender) against davey', () => {
  it('encodes MLS varints and vectors as RFC 9420 §2.1.2 says', () => {
    expect(encodeVarint(37).toString('hex')).toBe('25');
    expect(encodeVarint(15293).toString('hex')).toBe('7bbd');
    expect(encodeVarint(494878333).toString('hex')).toBe('9d7f3e7d');
    const bytes = new TlsWriter().vector(Buffer.alloc(300, 1)).u16(7).bytes();
    const r = new TlsReader(bytes);
    expect(r.vector().length).toBe(300);
    expect(r.u16()).toBe(7);
  });

  it('validates key packages: identity is the user id as 8 big-endian bytes, lifetime 0..2^64-1, signatures', () => {
    const member = new davey.DAVESession(1, USERS[0]!, CHANNEL);
    member.setExternalSender(new DaveExternalSender().package());
    const kp = member.getSerializedKeyPackage();
    expect(DaveExternalSender.validateKeyPackage(kp, snowflakeBytes(USERS[0]!))).toHaveProperty('keyPackage');
    expect(DaveExternalSender.validateKeyPackage(kp, snowflakeBytes(USERS[1]!))).toEqual({ problem: 'identity' });
    const tampered = Buffer.from(kp);
    tampered[tampered.length - 20]! ^= 1;
    expect(DaveExternalSender.validateKeyPackage(tampered, snowflakeBytes(USERS[0]!))).toEqual({
      problem: 'signature',
    });
    expect(readKeyPackageMessage(kp).cipherSuite).toBe(2);
  });

  it('creates the group from external Add proposals, tracks leaf indexes, removes and resets like Discord', async () => {
    const { media, bot, until } = start();
    for (const id of USERS) media.addListener(id);
    await until('a group with everyone', () => allSecured(media) && media.gateway.tree.length === 4);
    expect(media.gateway.epoch).toBeGreaterThanOrEqual(1n);
    // The gateway's view of the tree is what every member's own MLS state says.
    for (const [id, listener] of media.listeners) expect(listener.session.ownLeafIndex).toBe(media.gateway.leafOf(id));
    expect(bot.session.ownLeafIndex).toBe(media.gateway.leafOf(BOT));
    expect(bot.session.getUserIds().sort()).toEqual([BOT, ...USERS].sort());

    const frame = bot.session.encryptOpus(Buffer.from([0xfc, 1, 2, 3, 4]));
    expect(media.receive(frame, performance.now())).toEqual({ opus: Buffer.from([0xfc, 1, 2, 3, 4]), e2ee: true });

    media.removeListener(USERS[1]!);
    await until(
      'the removal committed',
      () => !media.gateway.tree.includes(USERS[1]!) && !media.gateway.transitionInFlight,
    );
    expect(bot.session.getUserIds()).not.toContain(USERS[1]);
    for (const [id, listener] of media.listeners) expect(listener.session.ownLeafIndex).toBe(media.gateway.leafOf(id));
    const late = bot.session.encryptOpus(Buffer.from([0xfc, 9, 9]));
    expect(media.receive(late, performance.now())?.e2ee).toBe(true);

    media.removeListener(USERS[0]!);
    media.removeListener(USERS[2]!);
    await until('a sole member reset', () => media.transitions.some((t) => t.kind === 'reset'));
    expect(media.gateway.epoch).toBe(0n);
    expect(media.gateway.rejectedCommits.filter((r) => !r.reason.startsWith('stale'))).toEqual([]);
    expect(media.stats.violations).toEqual([]);
  });

  it('refuses a commit that skips a proposal or replays an old epoch, and flags plaintext after the transition', async () => {
    const { media, bot, until } = start();
    media.addListener(USERS[0]!);
    await until('a group', () => allSecured(media));
    const epoch = media.gateway.epoch;
    // A forged "commit": a PublicMessage framed for the current epoch that references nothing.
    const bogus = new TlsWriter()
      .u16(1)
      .u16(1)
      .vector(snowflakeBytes(CHANNEL))
      .u64(epoch)
      .u8(1)
      .u32(0)
      .vector(Buffer.alloc(0))
      .u8(3)
      .vector(Buffer.alloc(0))
      .u8(0)
      .vector(Buffer.alloc(8))
      .vector(Buffer.alloc(32))
      .vector(Buffer.alloc(32))
      .bytes();
    media.gateway.commitWelcome(BOT, bogus);
    expect(media.gateway.rejectedCommits.at(-1)?.reason).toBe('no proposal references');
    media.gateway.commitWelcome(BOT, Buffer.from([0, 1, 0]));
    expect(media.gateway.rejectedCommits.at(-1)?.reason).toMatch(/^malformed/);
    expect(media.gateway.epoch).toBe(epoch);

    const later = performance.now() + media.graceMs + 1;
    media.receive(Buffer.from([0xfc, 1, 2, 3]), later);
    expect(media.stats.violations).toMatchObject([{ kind: 'plaintext', listener: USERS[0] }]);
    expect(bot.errors).toEqual([]);
  });
});
