import type { KeyValueStore } from '../ports/store.js';

/** Per-guild settings (`/settings`, Manage Server only). */
export interface GuildSettings {
  /** When set, skip/stop/clear/move/volume/loop/seek/remove-others' need this role or Manage Server. */
  readonly djRoleId: string | null;
  /** Now-playing announcements go here instead of the channel where the queue started. */
  readonly announceChannelId: string | null;
  readonly announceNowPlaying: boolean;
  /** Percent, 0-200. */
  readonly defaultVolume: number;
  readonly maxQueueLength: number;
  /** null = no per-user limit. */
  readonly maxTracksPerUser: number | null;
  readonly allowDuplicates: boolean;
  /** Exempts the guild from idle and alone leaving. */
  readonly stay247: boolean;
  /** Share of listeners (0-1] whose votes pass a /skip by a non-DJ. */
  readonly voteSkipShare: number;
  /** Loudness normalization (default from NORMALIZE_DEFAULT). */
  readonly normalize: boolean;
  /** New sessions start with autoplay on (related tracks when the queue runs out); `/autoplay` changes a session's. */
  readonly autoplay: boolean;
  /** Seconds the end of one track overlaps the start of the next (0-12; 0: none, gapless). */
  readonly crossfadeSeconds: number;
}

export const DEFAULT_SETTINGS: GuildSettings = Object.freeze({
  djRoleId: null,
  announceChannelId: null,
  announceNowPlaying: true,
  defaultVolume: 100,
  maxQueueLength: 500,
  maxTracksPerUser: null,
  allowDuplicates: false,
  stay247: false,
  voteSkipShare: 0.5,
  normalize: false,
  autoplay: false,
  crossfadeSeconds: 0,
});

/**
 * Settings with a read-through cache: commands read them after deferring, and after the first read they come
 * from memory, so a slow or broken store never delays a reply by more than one lookup. Unknown or missing
 * fields fall back to defaults, so old records survive new settings.
 */
export class SettingsStore {
  private readonly cache = new Map<string, GuildSettings>();
  private readonly defaults: GuildSettings;

  /** `defaults` overrides DEFAULT_SETTINGS where the owner chose otherwise (NORMALIZE_DEFAULT). */
  constructor(
    private readonly store: KeyValueStore,
    defaults: Partial<GuildSettings> = {},
  ) {
    this.defaults = Object.freeze({ ...DEFAULT_SETTINGS, ...defaults });
  }

  async get(guildId: string): Promise<GuildSettings> {
    const cached = this.cache.get(guildId);
    if (cached) return cached;
    const stored = await this.store.get<Partial<GuildSettings>>(`settings:${guildId}`).catch(() => undefined);
    const settings = Object.freeze({ ...this.defaults, ...(stored ?? {}) });
    this.cache.set(guildId, settings);
    return settings;
  }

  /** Returns the cached settings or defaults without waiting (for code paths that must not await). */
  peek(guildId: string): GuildSettings {
    return this.cache.get(guildId) ?? this.defaults;
  }

  async update(guildId: string, patch: Partial<GuildSettings>): Promise<GuildSettings> {
    const next = Object.freeze({ ...(await this.get(guildId)), ...patch });
    this.cache.set(guildId, next);
    await this.store.set(`settings:${guildId}`, next);
    return next;
  }
}
