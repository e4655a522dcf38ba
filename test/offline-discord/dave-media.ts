import { isSilenceFrame } from './audio.js';
import { DaveGateway } from './dave-gateway.js';
import type { DaveTransitionRecord } from './dave-gateway.js';
import { DaveListener } from './dave-listener.js';
import type { DaveEndpoint } from './dave-listener.js';

/** A frame a listener could not accept: plaintext or undecryptable after its group transition completed. */
export interface DaveFrameViolation {
  at: number;
  listener: string;
  kind: 'plaintext' | 'undecryptable';
  /** How long after the listener's group transition executed the frame arrived. */
  msAfterTransition: number;
  /** The newest transition id the gateway had started when the frame arrived. */
  transition: number;
  error?: string;
}

export interface DaveFrameStats {
  /** Frames from the bot (silence frames excluded). */
  frames: number;
  /** Frames some listener decrypted. */
  e2ee: number;
  /** Frames sent without E2EE while that was allowed (no group yet, protocol 0, or mid-transition). */
  plain: number;
  /** Per listener: frames it could not decrypt before its transition completed (expected while joining). */
  inTransition: number;
  /** Frames that broke the rules (must stay 0). */
  violations: DaveFrameViolation[];
}

/**
 * One DAVE media session (the bot's voice channel): the gateway, the fake listeners (one davey session per
 * user in the channel), and the listener-side frame checks. A listener must decrypt every non-silence
 * frame that arrives more than `graceMs` after the gateway executed a protocol-1 transition it is part of.
 */
export class DaveMediaSession {
  readonly gateway: DaveGateway;
  readonly listeners = new Map<string, DaveListener>();
  readonly stats: DaveFrameStats = { frames: 0, e2ee: 0, plain: 0, inTransition: 0, violations: [] };
  /** Per listener: arrival times of frames it decrypted (for gap measurements across transitions). */
  readonly heard = new Map<string, number[]>();
  /** Per listener: since when it must decrypt everything (set when a transition including it executes). */
  private readonly secureSince = new Map<string, number>();
  private seenTransitions = 0;

  constructor(
    readonly guildId: string,
    readonly channelId: string,
    readonly botUserId: string,
    protocol: number,
    private readonly options: { graceMs?: number; transitionTimeoutMs?: number; onChange?: () => void } = {},
  ) {
    this.gateway = new DaveGateway(channelId, protocol, {
      ...(options.transitionTimeoutMs ? { transitionTimeoutMs: options.transitionTimeoutMs } : {}),
      onChange: () => this.onGatewayChange(),
      // A member that flagged op 31 rebuilds its state: until it is back in an executed group nobody (if it is
      // the bot, the sender) or it (a listener) can be held to decrypting.
      onInvalid: (userId) => (userId === botUserId ? this.secureSince.clear() : this.secureSince.delete(userId)),
    });
  }

  get graceMs(): number {
    return this.options.graceMs ?? 250;
  }

  attachBot(endpoint: DaveEndpoint): void {
    if (this.gateway.has(endpoint.userId)) this.gateway.leave(endpoint.userId);
    this.gateway.join(endpoint);
  }

  addListener(userId: string): DaveListener {
    const existing = this.listeners.get(userId);
    if (existing) return existing;
    const listener = new DaveListener(userId, this.channelId, this.gateway);
    this.listeners.set(userId, listener);
    this.heard.set(userId, []);
    this.gateway.join(listener);
    return listener;
  }

  removeListener(userId: string): void {
    const listener = this.listeners.get(userId);
    if (!listener) return;
    this.listeners.delete(userId);
    this.secureSince.delete(userId);
    this.gateway.leave(userId);
    listener.close();
  }

  /** Executed transitions so far. */
  get transitions(): DaveTransitionRecord[] {
    return this.gateway.transitions;
  }

  /** True once `userId` is in an executed protocol-1 group (it must decrypt from then on). */
  secured(userId: string): boolean {
    return this.secureSince.has(userId);
  }

  /**
   * Every listener reads the frame; returns the Opus the audio checks should judge (the first listener's
   * decryption; the frame itself when it is legitimately plaintext), or undefined if nobody could read it.
   */
  receive(frame: Buffer, arrivalMs: number): { opus: Buffer; e2ee: boolean } | undefined {
    if (isSilenceFrame(frame)) return { opus: frame, e2ee: false }; // DAVE "Silence Packets" pass through
    this.stats.frames += 1;
    let result: { opus: Buffer; e2ee: boolean } | undefined;
    for (const [userId, listener] of this.listeners) {
      const read = listener.read(this.botUserId, frame);
      const since = this.secureSince.get(userId);
      const strict = since !== undefined && this.gateway.protocol > 0 && arrivalMs >= since + this.graceMs;
      if (read.kind === 'e2ee') {
        this.heard.get(userId)!.push(arrivalMs);
        result ??= { opus: read.opus, e2ee: true };
      } else if (read.kind === 'plain' && !strict) {
        this.heard.get(userId)!.push(arrivalMs);
        result ??= { opus: read.opus, e2ee: false };
      } else if (strict) {
        this.stats.violations.push({
          at: arrivalMs,
          listener: userId,
          kind: read.kind === 'plain' ? 'plaintext' : 'undecryptable',
          msAfterTransition: Math.round(arrivalMs - since),
          transition: this.gateway.transitions.at(-1)?.id ?? 0,
          ...(read.kind === 'undecryptable' ? { error: read.error } : {}),
        });
      } else {
        this.stats.inTransition += 1;
      }
    }
    if (
      this.listeners.size === 0 &&
      frame.length > 0 &&
      !(frame[frame.length - 1] === 0xfa && frame[frame.length - 2] === 0xfa)
    ) {
      result = { opus: frame, e2ee: false };
    }
    if (result?.e2ee) this.stats.e2ee += 1;
    else if (result) this.stats.plain += 1;
    return result;
  }

  close(): void {
    for (const listener of this.listeners.values()) listener.close();
    this.listeners.clear();
    this.gateway.close();
  }

  private onGatewayChange(): void {
    const list = this.gateway.transitions;
    for (const record of list.slice(this.seenTransitions)) {
      if (record.executedAt === undefined) break;
      this.seenTransitions += 1;
      if (record.kind === 'downgrade' || record.kind === 'reset') this.secureSince.clear();
      else if (record.protocol > 0 && this.gateway.leafOf(this.botUserId) !== undefined) {
        for (const userId of this.secureSince.keys())
          if (!this.gateway.tree.includes(userId)) this.secureSince.delete(userId);
        for (const userId of this.gateway.tree) {
          if (userId && this.listeners.has(userId) && !this.secureSince.has(userId))
            this.secureSince.set(userId, record.executedAt);
        }
      }
    }
    this.options.onChange?.();
  }
}
