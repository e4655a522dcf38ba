import { UserError } from '../core/errors.js';
import type { Logger } from '../ports/logger.js';
import type { VoiceLink, VoicePort } from '../ports/voice.js';
import type { GuildSession } from './guild-session.js';
import type { EndReason } from './session-state.js';

export type SessionFactory = (guildId: string, link: VoiceLink, textChannelId: string) => GuildSession;

/**
 * Owns every guild session: at most one per guild, created by joining voice, removed the moment it ends
 * (kicked, disconnected, stopped for good) so the next `/play` starts clean. Concurrent first `/play`s in one
 * guild share one join.
 */
export class SessionManager {
  private readonly sessions = new Map<string, GuildSession>();
  private readonly joining = new Map<string, Promise<GuildSession>>();
  private accepting = true;

  constructor(
    private readonly voice: VoicePort,
    private readonly create: SessionFactory,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(guildId: string): GuildSession | undefined {
    return this.sessions.get(guildId);
  }

  all(): GuildSession[] {
    return [...this.sessions.values()];
  }

  /** The guild's session, joining `channelId` first if there is none. */
  acquire(guildId: string, channelId: string, textChannelId: string): Promise<GuildSession> {
    if (!this.accepting) return Promise.reject(new UserError('SHUTTING_DOWN'));
    const existing = this.sessions.get(guildId);
    if (existing) return Promise.resolve(existing);
    const pending = this.joining.get(guildId);
    if (pending) return pending;
    const join = this.join(guildId, channelId, textChannelId).finally(() => this.joining.delete(guildId));
    this.joining.set(guildId, join);
    return join;
  }

  private async join(guildId: string, channelId: string, textChannelId: string): Promise<GuildSession> {
    const link = await this.voice.join(guildId, channelId);
    const session = this.create(guildId, link, textChannelId);
    this.sessions.set(guildId, session);
    session.on('stateChange', (_old, state) => {
      if (state.status !== 'destroyed') return;
      if (this.sessions.get(guildId) === session) this.sessions.delete(guildId);
      this.logger.info({ guildId, reason: state.reason }, 'session ended');
    });
    this.logger.info({ guildId, channelId }, 'session started');
    return session;
  }

  /** Ends a guild's session if it has one. */
  end(guildId: string, reason: EndReason): void {
    this.sessions.get(guildId)?.destroy(reason);
  }

  /** The bot's own voice state changed: null channel means it was disconnected or kicked by someone. */
  onBotVoiceChannel(guildId: string, channelId: string | null): void {
    if (channelId === null && !this.joining.has(guildId)) this.end(guildId, 'kicked');
  }

  /** Stops new sessions (shutdown) and ends every session. */
  endAll(reason: EndReason): void {
    this.accepting = false;
    for (const session of this.sessions.values()) session.destroy(reason);
  }
}
