import { createCipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import davey from '@snazzah/davey';
import type { DAVESession } from '@snazzah/davey';
import { DaveExternalSender } from '../../test/offline-discord/dave-external-sender.js';
import { encodeVarint } from '../../test/offline-discord/mls-codec.js';
import { snowflakeBytes } from '../../test/offline-discord/mls-messages.js';
import { round } from '../lib/stats.js';

export interface E2eeCostStep {
  streams: number;
  frames: number;
  /** Bot-side work per 20 ms frame with DAVE v1: davey encryptOpus + the AES-256-GCM transport layer. */
  daveUsPerFrame: number;
  /** The same frames at protocol 0: transport encryption only (what every figure measured before DAVE). */
  transportUsPerFrame: number;
  /** The E2EE share: (dave - transport) per frame. */
  e2eeUsPerFrame: number;
  /** E2EE cost of one stream (50 frames/s) in % of one core, and of all N streams. */
  e2eeCpuPctPerStream: number;
  e2eeCpuPctAtN: number;
}

const FRAMES_PER_SECOND = 50;

/** One sender (the bot) in a DAVE v1 group with one listener, made through the fake gateway's external sender. */
function senderInGroup(sender: DaveExternalSender, index: number): DAVESession {
  const channel = String(1_400_000_000_000_000_000n + BigInt(index));
  const bot = new davey.DAVESession(1, '1400000000000000001', channel);
  const listener = new davey.DAVESession(1, '1400000000000000002', channel);
  bot.setExternalSender(sender.package());
  listener.setExternalSender(sender.package());
  bot.getSerializedKeyPackage();
  const validated = DaveExternalSender.validateKeyPackage(
    listener.getSerializedKeyPackage(),
    snowflakeBytes('1400000000000000002'),
  );
  if ('problem' in validated) throw new Error(`key package refused: ${validated.problem}`);
  const proposal = sender.propose(snowflakeBytes(channel), 0n, { type: 'add', keyPackage: validated.keyPackage.bytes });
  const { commit, welcome } = bot.processProposals(
    0,
    Buffer.concat([encodeVarint(proposal.message.length), proposal.message]),
    ['1400000000000000002'],
  );
  bot.processCommit(commit!);
  listener.processWelcome(welcome!);
  listener.reset();
  return bot;
}

/** Real Opus frames (a 440 Hz tone at Discord's 48 kHz stereo, 20 ms), as the bot sends them. */
function opusFrames(): Buffer[] {
  const require = createRequire(import.meta.url);
  const { OpusEncoder } = require('@discordjs/opus') as {
    OpusEncoder: new (rate: number, channels: number) => { encode(pcm: Buffer): Buffer };
  };
  const encoder = new OpusEncoder(48_000, 2);
  const frames: Buffer[] = [];
  for (let f = 0; f < 50; f += 1) {
    const pcm = Buffer.alloc(960 * 4);
    for (let i = 0; i < 960; i += 1) {
      const v = Math.round(Math.sin((2 * Math.PI * 440 * (f * 960 + i)) / 48_000) * 12_000);
      pcm.writeInt16LE(v, i * 4);
      pcm.writeInt16LE(v, i * 4 + 2);
    }
    frames.push(encoder.encode(pcm));
  }
  return frames;
}

/** @discordjs/voice's transport step for one packet (aead_aes256_gcm_rtpsize), so both variants pay it. */
function transport(payload: Buffer, key: Buffer, nonce: Buffer, header: Buffer): number {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(header);
  return cipher.update(payload).length + cipher.final().length + cipher.getAuthTag().length;
}

/**
 * The per-stream cost of DAVE in the bot process, measured in-process on the bot's own code path: N senders
 * (one DAVE group each) encrypt `seconds` of 20 ms frames round-robin, once with davey + transport and once
 * with transport only; CPU time from process.cpuUsage (user + system). Median of 3 runs per variant.
 */
export async function runE2eeCost(
  steps: number[],
  seconds: number,
  log: (line: string) => void,
): Promise<E2eeCostStep[]> {
  const sender = new DaveExternalSender();
  const frames = opusFrames();
  const key = Buffer.alloc(32, 7);
  const nonce = Buffer.alloc(12);
  const header = Buffer.alloc(12, 0x80);
  const out: E2eeCostStep[] = [];
  for (const n of steps) {
    const sessions = Array.from({ length: n }, (_, i) => senderInGroup(sender, i));
    const total = n * FRAMES_PER_SECOND * seconds;
    const measure = (withDave: boolean): number => {
      const runs: number[] = [];
      for (let r = 0; r < 3; r += 1) {
        let sink = 0;
        const start = process.cpuUsage();
        for (let i = 0; i < total; i += 1) {
          const opus = frames[Math.floor(i / n) % frames.length]!;
          nonce.writeUInt32BE(i, 0);
          sink += transport(withDave ? sessions[i % n]!.encryptOpus(opus) : opus, key, nonce, header);
        }
        const used = process.cpuUsage(start);
        if (sink === 0) throw new Error('nothing encrypted');
        runs.push((used.user + used.system) / total);
      }
      return runs.sort((a, b) => a - b)[1]!;
    };
    const transportUs = measure(false);
    const daveUs = measure(true);
    const e2ee = Math.max(0, daveUs - transportUs);
    const perStreamPct = (e2ee * FRAMES_PER_SECOND) / 1e4;
    out.push({
      streams: n,
      frames: total,
      daveUsPerFrame: round(daveUs, 2),
      transportUsPerFrame: round(transportUs, 2),
      e2eeUsPerFrame: round(e2ee, 2),
      e2eeCpuPctPerStream: round(perStreamPct, 3),
      e2eeCpuPctAtN: round(perStreamPct * n, 2),
    });
    log(`e2ee cost at N=${n}: ${JSON.stringify(out.at(-1))}`);
    for (const s of sessions) s.reset();
  }
  return out;
}
