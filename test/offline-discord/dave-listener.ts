import davey from '@snazzah/davey';
import type { DAVESession } from '@snazzah/davey';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';

/** davey.MediaType.AUDIO (a const enum, which verbatimModuleSyntax cannot read). */
const MEDIA_AUDIO = 0;

/** What a listener sends back to the voice gateway (the in-process equivalent of its voice WebSocket). */
export interface DaveUplink {
  keyPackage(userId: string, keyPackage: Buffer): void;
  commitWelcome(userId: string, payload: Buffer): void;
  ready(userId: string, transitionId: number): void;
  invalid(userId: string, transitionId: number): void;
}

/** A member's inbox: the gateway talks to the bot's WebSocket and to fake listeners through this. */
export interface DaveEndpoint {
  readonly userId: string;
  readonly kind: 'bot' | 'listener';
  json(op: number, d: Record<string, unknown>): void;
  binary(op: number, payload: Buffer): void;
}

/** The result of a listener reading one frame of the bot's audio. */
export type ListenerRead =
  | { kind: 'e2ee'; opus: Buffer }
  | { kind: 'plain'; opus: Buffer }
  | { kind: 'undecryptable'; error: string };

/** DAVE's protocol frame check: a transformed frame ends with the magic marker 0xFAFA. */
export function isDaveFrame(frame: Buffer): boolean {
  return frame.length >= 3 && frame[frame.length - 1] === 0xfa && frame[frame.length - 2] === 0xfa;
}

/**
 * A fake member of the voice channel that is a real DAVE client: its own davey session (own user id and
 * signing key) runs the MLS side exactly as the bot's does, commits when it wins the race (after
 * `commitDelayMs`, so the bot is usually the committer), and decrypts the bot's frames with its own keys.
 * Messages are handled on a later tick, as if they crossed a socket.
 */
export class DaveListener implements DaveEndpoint {
  readonly kind = 'listener';
  readonly session: DAVESession;
  readonly errors: string[] = [];
  /** Members the gateway announced (op 11/13): davey refuses Add proposals for anyone else. */
  private readonly recognized = new Set<string>();
  private closed = false;

  constructor(
    readonly userId: string,
    private readonly channelId: string,
    private readonly uplink: DaveUplink,
    private readonly commitDelayMs = 150,
  ) {
    this.session = new davey.DAVESession(1, userId, channelId);
    this.recognized.add(userId);
  }

  json(op: number, d: Record<string, unknown>): void {
    setImmediate(() => this.closed || this.onJson(op, d));
  }

  binary(op: number, payload: Buffer): void {
    setImmediate(() => this.closed || this.onBinary(op, payload));
  }

  /** Reads one frame the bot sent (after transport decryption). */
  read(senderId: string, frame: Buffer): ListenerRead {
    if (!isDaveFrame(frame)) return { kind: 'plain', opus: frame };
    try {
      return { kind: 'e2ee', opus: this.session.decrypt(senderId, MEDIA_AUDIO, frame) };
    } catch (error) {
      return { kind: 'undecryptable', error: String(error) };
    }
  }

  close(): void {
    this.closed = true;
    try {
      this.session.reset();
    } catch {
      // already reset
    }
  }

  private onJson(op: number, d: Record<string, unknown>): void {
    if (op === VoiceOpcodes.ClientsConnect) for (const id of d.user_ids as string[]) this.recognized.add(id);
    else if (op === VoiceOpcodes.ClientDisconnect) this.recognized.delete(String(d.user_id));
    else if (op === VoiceOpcodes.DavePrepareEpoch && d.epoch === 1) {
      this.session.reinit(Number(d.protocol_version) || 1, this.userId, this.channelId);
      this.uplink.keyPackage(this.userId, this.session.getSerializedKeyPackage());
    } else if (op === VoiceOpcodes.DavePrepareTransition) {
      if (d.protocol_version === 0) this.session.setPassthroughMode(true, 24);
      if (d.transition_id !== 0) this.uplink.ready(this.userId, Number(d.transition_id));
    }
  }

  private onBinary(op: number, payload: Buffer): void {
    try {
      if (op === VoiceOpcodes.DaveMlsExternalSender) {
        this.session.setExternalSender(payload);
        this.uplink.keyPackage(this.userId, this.session.getSerializedKeyPackage());
      } else if (op === VoiceOpcodes.DaveMlsProposals) {
        const { commit, welcome } = this.session.processProposals(payload[0]!, payload.subarray(1), [
          ...this.recognized,
        ]);
        if (commit) {
          const out = welcome ? Buffer.concat([commit, welcome]) : commit;
          setTimeout(() => this.closed || this.uplink.commitWelcome(this.userId, out), this.commitDelayMs);
        }
      } else if (op === VoiceOpcodes.DaveMlsAnnounceCommitTransition || op === VoiceOpcodes.DaveMlsWelcome) {
        this.onCommitOrWelcome(op, payload);
      }
    } catch (error) {
      this.errors.push(`op ${op}: ${String(error)}`);
    }
  }

  private onCommitOrWelcome(op: number, payload: Buffer): void {
    const transitionId = payload.readUInt16BE(0);
    try {
      if (op === VoiceOpcodes.DaveMlsWelcome) this.session.processWelcome(payload.subarray(2));
      else this.session.processCommit(payload.subarray(2));
    } catch (error) {
      // DAVE "Recovery from Invalid Commit or Welcome": flag it, reset, and send a fresh key package.
      this.errors.push(`op ${op} (transition ${transitionId}): ${String(error)}`);
      this.uplink.invalid(this.userId, transitionId);
      this.session.reinit(1, this.userId, this.channelId);
      this.uplink.keyPackage(this.userId, this.session.getSerializedKeyPackage());
      return;
    }
    if (transitionId !== 0) this.uplink.ready(this.userId, transitionId);
  }
}
