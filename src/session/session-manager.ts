import { EventEmitter } from 'node:events';
import type { FilterPreset } from '../core/audio-filter.js';
import { UserError } from '../core/errors.js';
import type { QueueSnapshot } from '../core/queue.js';
import type { Logger } from '../ports/logger.js';
import type { VoiceLink, VoicePort } from '../ports/voice.js';
import type { GuildSession } from './guild-session.js';
import type { EndReason } from './session-state.js';

export interface SessionSeed {
  readonly textChannelId: string;
  /** A persisted queue to continue (restart resume). */
  readonly queue?: QueueSnapshot;
  readonly volume?: number;
  readonly filter?: FilterPreset;
}

export type SessionFactory = (guildId: string, link: VoiceLink, seed: SessionSeed) => GuildSession;

type Events = {
  created: [session: GuildSession];
  ended: [session: GuildSession, reason: EndReason];
};

/**
 * Owns every guild session: at most one per guild and at most `maxSessions` in all. At the cap the least
 * recently used idle session is evicted; if none is idle, a new guild gets BUSY. A session is removed the
 * moment it ends (kicked, disconnected, left), so the next `/play` starts clean. Concurrent first `/play`s in
 * one guild share one join.
 */
export class SessionManager extends EventEmitter<Events> {
  private readonly sessions = new Map<string, GuildSession>();
  private readonly joining = new Map<string, Promise<GuildSession>>();
  private accepting = true;

  constructor(
    private readonly voice: VoicePort,
    private readonly create: SessionFactory,
    private readonly maxSessions: number,
    private readonly logger: Logger,
  ) {
    super();
  }

  get size(): number {
    return this.sessions.size;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  get(guildId: string): GuildSession | undefined {
    return this.sessions.get(guildId);
  }

  all(): GuildSession[] {
    return [...this.sessions.values()];
  }

  /** The guild's session, joining `channelId` first if there is none. */
  acquire(guildId: string, channelId: string, seed: SessionSeed): Promise<GuildSession> {
    if (!this.accepting) return Promise.reject(new UserError('SHUTTING_DOWN'));
    const existing = this.sessions.get(guildId);
    if (existing) return Promise.resolve(existing);
    const pending = this.joining.get(guildId);
    if (pending) return pending;
    this.makeRoom();
    const join = this.join(guildId, channelId, seed).finally(() => this.joining.delete(guildId));
    this.joining.set(guildId, join);
    return join;
  }

  /** Ends a guild's session if it has one. */
  end(guildId: string, reason: EndReason): void {
    this.sessions.get(guildId)?.destroy(reason);
  }

  /** The bot's own voice state changed: a null channel means someone disconnected or kicked it. */
  onBotVoiceChannel(guildId: string, channelId: string | null): void {
    if (channelId === null && !this.joining.has(guildId)) this.end(guildId, 'kicked');
  }

  /** Stops new sessions (shutdown) and ends every session. */
  endAll(reason: EndReason): void {
    this.accepting = false;
    for (const session of this.sessions.values()) session.destroy(reason);
  }

  private makeRoom(): void {
    if (this.sessions.size + this.joining.size < this.maxSessions) return;
    const idle = this.all()
      .filter((s) => s.state.status === 'idle')
      .sort((a, b) => a.lastActiveAt - b.lastActiveAt)[0];
    if (!idle) throw new UserError('BUSY');
    this.logger.info({ guildId: idle.guildId }, 'evicting least recently used idle session');
    idle.destroy('evicted');
  }

  private async join(guildId: string, channelId: string, seed: SessionSeed): Promise<GuildSession> {
    const link = await this.voice.join(guildId, channelId);
    const session = this.create(guildId, link, seed);
    this.sessions.set(guildId, session);
    session.on('stateChange', (_old, state) => {
      if (state.status !== 'destroyed') return;
      if (this.sessions.get(guildId) === session) this.sessions.delete(guildId);
      this.logger.info({ guildId, reason: state.reason }, 'session ended');
      this.emit('ended', session, state.reason);
    });
    this.logger.info({ guildId, channelId }, 'session started');
    this.emit('created', session);
    return session;
  }
}
