import { UserError } from '../core/errors.js';
import { nameKey, plainTrack, readRecord, SAVED_PLAYLIST_VERSION, type SavedPlaylist } from '../core/saved-playlist.js';
import type { Track } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { KeyValueStore } from '../ports/store.js';

export interface PlaylistLimits {
  /** MAX_SAVED_PLAYLISTS: playlists one member may keep. */
  readonly perUser: number;
  /** MAX_SAVED_PLAYLIST_TRACKS: tracks one saved playlist may hold. */
  readonly tracks: number;
}

export interface SaveResult {
  readonly playlist: SavedPlaylist;
  /** An existing playlist of that name was replaced. */
  readonly replaced: boolean;
}

/** The store's health, where the adapter reports it (KeyvStore degrades writes to logged no-ops). */
type HealthReporting = { readonly healthy?: boolean };

/**
 * Members' saved playlists, keyed by user id alone (`playlist:<userId>:<lower-cased name>`), so they follow
 * the member across servers and nobody else's id can reach them: every method takes the owner's id from the
 * interaction, never from user input. A write the store could not keep is an error the member sees, not a
 * silent loss.
 */
export class PlaylistStore {
  constructor(
    private readonly store: KeyValueStore & HealthReporting,
    private readonly limits: PlaylistLimits,
    private readonly clock: Clock,
  ) {}

  get maxTracks(): number {
    return this.limits.tracks;
  }

  async list(userId: string): Promise<SavedPlaylist[]> {
    const keys = await this.store.keys(prefix(userId));
    const records = await Promise.all(keys.map(async (key) => readRecord(await this.store.get(key))));
    return records
      .filter((r): r is SavedPlaylist => r !== undefined)
      .sort((a, b) => nameKey(a.name).localeCompare(nameKey(b.name)));
  }

  /** Names starting with `text` (for autocomplete). */
  async names(userId: string, text: string): Promise<string[]> {
    const wanted = nameKey(text.trim());
    return (await this.list(userId)).map((p) => p.name).filter((name) => nameKey(name).includes(wanted));
  }

  async get(userId: string, name: string): Promise<SavedPlaylist> {
    const record = readRecord(await this.store.get(keyOf(userId, name)));
    if (!record) {
      this.assertHealthy();
      throw new UserError('PLAYLIST_NOT_FOUND');
    }
    return record;
  }

  async save(userId: string, name: string, tracks: readonly Track[]): Promise<SaveResult> {
    if (tracks.length === 0) throw new UserError('NOTHING_TO_SAVE');
    if (tracks.length > this.limits.tracks) {
      throw new UserError('PLAYLIST_TOO_LONG', { count: tracks.length, limit: this.limits.tracks });
    }
    const key = keyOf(userId, name);
    const existing = readRecord(await this.store.get(key));
    if (!existing) {
      const count = (await this.store.keys(prefix(userId))).length;
      this.assertHealthy();
      if (count >= this.limits.perUser) {
        throw new UserError('PLAYLIST_LIMIT', { count, limit: this.limits.perUser });
      }
    }
    const now = this.clock.now();
    const playlist: SavedPlaylist = {
      version: SAVED_PLAYLIST_VERSION,
      name,
      tracks: tracks.map(plainTrack),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.set(key, playlist);
    this.assertHealthy();
    return { playlist, replaced: existing !== undefined };
  }

  async delete(userId: string, name: string): Promise<SavedPlaylist> {
    const playlist = await this.get(userId, name);
    await this.store.delete(keyOf(userId, name));
    this.assertHealthy();
    return playlist;
  }

  private assertHealthy(): void {
    if (this.store.healthy === false) throw new UserError('STORE_UNAVAILABLE');
  }
}

const prefix = (userId: string): string => `playlist:${userId}:`;
const keyOf = (userId: string, name: string): string => `${prefix(userId)}${nameKey(name)}`;
