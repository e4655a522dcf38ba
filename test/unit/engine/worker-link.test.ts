import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { POSITION_FIELDS, type ToWorker } from '../../../src/engine/engine-protocol.js';
import { WorkerVoiceLink, type LinkHome } from '../../../src/engine/worker-link.js';
import { EngineRestart, type PreparedAudio } from '../../../src/ports/voice.js';

/** A link's home with a recorded outbox: what the main thread would post to the worker. */
function home(slot = 3): LinkHome & { sent: ToWorker[]; released: number; playId: number } {
  const positions = new Int32Array(new SharedArrayBuffer(16 * POSITION_FIELDS * 4));
  const h = {
    sent: [] as ToWorker[],
    released: 0,
    playId: 0,
    send: (message: ToWorker) => void h.sent.push(message),
    nextPlayId: () => ++h.playId,
    positions,
    slot,
    canMix: true,
    release: () => {
      h.released += 1;
    },
  };
  return h;
}

function audio(container: PreparedAudio['container'] = 'ogg-opus'): PreparedAudio & { disposed: number } {
  const a = {
    stream: new PassThrough(),
    container,
    pipeline: 'passthrough' as const,
    disposed: 0,
    dispose: () => {
      a.disposed += 1;
    },
  };
  return a;
}

/** What the worker would write into the link's shared position slot. */
function publish(h: LinkHome, playId: number, ms: number): void {
  Atomics.store(h.positions, h.slot * POSITION_FIELDS + 1, ms);
  Atomics.store(h.positions, h.slot * POSITION_FIELDS, playId);
}

const idles = (link: WorkerVoiceLink): Array<Error | undefined> => {
  const seen: Array<Error | undefined> = [];
  link.on('idle', (error) => seen.push(error));
  return seen;
};

describe('WorkerVoiceLink', () => {
  it('announces a play and reads its position from shared memory, not the previous play’s', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    link.play(audio());
    expect(h.sent[0]).toMatchObject({ type: 'play', guildId: 'g', playId: 1, container: 'ogg-opus' });
    publish(h, 1, 4200);
    expect(link.playbackMs()).toBe(4200);
    link.play(audio());
    // The worker has not started play 2 yet: its slot still shows play 1.
    expect(link.playbackMs()).toBe(0);
  });

  it('stop() ends the play at once with an idle, and the worker’s later report of it is dropped', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const seen = idles(link);
    const a = audio();
    link.play(a);
    publish(h, 1, 900);
    expect(link.stop()).toBe(true);
    expect(seen).toEqual([undefined]);
    expect(a.disposed).toBe(1);
    expect(link.playbackMs()).toBe(900); // how far the released audio got, for the session's recovery
    link.receive({ type: 'idle', guildId: 'g', playId: 1 });
    expect(seen).toHaveLength(1);
    expect(link.stop()).toBe(false);
  });

  it('turns a worker failure code back into the catalogue error, and prefers the stream’s own error', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const seen = idles(link);
    link.play(audio());
    link.receive({ type: 'idle', guildId: 'g', playId: 1, code: 'STREAM_STALLED' });
    expect(seen[0]).toBeInstanceOf(UserError);
    expect((seen[0] as UserError).code).toBe('STREAM_STALLED');
    const failing = audio();
    link.play(failing);
    failing.stream.emit('error', new UserError('FETCH_FAILED'));
    link.receive({ type: 'idle', guildId: 'g', playId: 2, failed: true });
    expect((seen[1] as UserError).code).toBe('FETCH_FAILED');
    expect(h.sent.some((m) => m.type === 'fail' && m.playId === 2)).toBe(true);
  });

  it('keeps a crossfade’s outgoing audio until the worker says it is no longer read', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const first = audio();
    link.play(first);
    let released = 0;
    const onReleased = () => {
      released += 1;
    };
    expect(link.crossfade(audio(), 3000, onReleased)).toBe(true);
    expect(h.sent.at(-1)).toMatchObject({ type: 'play', playId: 2, fadeMs: 3000 });
    expect(first.disposed).toBe(0);
    link.receive({ type: 'released', guildId: 'g', playId: 1 });
    expect([first.disposed, released]).toEqual([1, 1]);
    expect(link.crossfade(audio('pcm'), 3000, () => undefined)).toBe(false);
  });

  it('refuses a crossfade while paused or without a mixer, as the in-process link does', () => {
    const h = { ...home(), canMix: false };
    const link = new WorkerVoiceLink('g', 'c', h);
    link.play(audio());
    expect(link.crossfade(audio(), 3000, () => undefined)).toBe(false);
    const mixing = new WorkerVoiceLink('g', 'c', home());
    mixing.play(audio());
    expect(mixing.pause()).toBe(true);
    expect(mixing.pause()).toBe(false);
    expect(mixing.crossfade(audio(), 3000, () => undefined)).toBe(false);
    expect(mixing.resume()).toBe(true);
  });

  it('after its worker died, gives up the play with EngineRestart so the session reopens it in the new one', () => {
    const old = home();
    const link = new WorkerVoiceLink('g', 'c', old);
    const seen = idles(link);
    link.play(audio());
    publish(old, 1, 61_000);
    const fresh = home(7);
    link.rehome(fresh);
    expect(seen[0]).toBeInstanceOf(EngineRestart);
    expect(link.playbackMs()).toBe(61_000);
    link.play(audio());
    expect(fresh.sent[0]).toMatchObject({ type: 'play', guildId: 'g' });
    expect(old.sent.filter((m) => m.type === 'play')).toHaveLength(1);
  });

  it('ships the preloaded next audio ahead; the worker starts it at the end and the session adopts it', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const seen = idles(link);
    const first = audio();
    const next = audio();
    link.play(first);
    link.seamless(next);
    expect(h.sent.filter((m) => m.type === 'play').map((m) => [m.playId, 'queued' in m])).toEqual([
      [1, false],
      [2, true],
    ]);
    link.receive({ type: 'idle', guildId: 'g', playId: 1, next: 2 });
    expect(seen).toEqual([undefined]);
    expect(first.disposed).toBe(1);
    expect(link.adopt(audio())).toBe(false);
    expect(link.adopt(next)).toBe(true);
    publish(h, 2, 40);
    expect(link.playbackMs()).toBe(40);
    expect(h.sent.filter((m) => m.type === 'play' || m.type === 'start-queued')).toHaveLength(2);
  });

  it('plays a queued audio by starting what the worker holds, and withdraws one that will not play', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const next = audio();
    link.play(audio());
    link.seamless(next);
    link.play(next); // a /skip to the preloaded track
    expect(h.sent.at(-1)).toEqual({ type: 'start-queued', guildId: 'g', playId: 2 });
    const other = audio();
    link.seamless(other);
    link.withdraw(other);
    expect(h.sent.at(-1)).toEqual({ type: 'unqueue', guildId: 'g', playId: 3 });
    expect(other.disposed).toBe(0); // the caller still owns it
  });

  it('stops what the worker started by itself when the session does not adopt it', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const seen = idles(link);
    link.play(audio());
    link.seamless(audio());
    link.receive({ type: 'idle', guildId: 'g', playId: 1, next: 2 });
    expect(link.stop()).toBe(false);
    expect(h.sent.at(-1)).toEqual({ type: 'control', guildId: 'g', op: 'stop' });
    expect(seen).toHaveLength(1);
  });

  it('reports moves and goes away for good on `gone`, freeing its slot once', () => {
    const h = home();
    const link = new WorkerVoiceLink('g', 'c', h);
    const gone: string[] = [];
    link.on('gone', (reason) => gone.push(reason));
    link.receive({ type: 'moved', guildId: 'g', channelId: 'c2' });
    expect(link.channelId()).toBe('c2');
    link.receive({ type: 'gone', guildId: 'g', reason: 'kicked' });
    expect(gone).toEqual(['kicked']);
    link.destroy();
    expect(h.released).toBe(1);
  });
});
