/** The REST API's shapes (WEB-CONTRACT, issue 16), as the page reads them. */

export interface User {
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly avatarUrl: string | null;
}

export interface Me {
  readonly user: User;
  readonly csrfToken: string;
}

export interface Guild {
  readonly id: string;
  readonly name: string;
  readonly iconUrl: string | null;
  readonly playing: boolean;
}

export interface Track {
  readonly entryId: number;
  readonly title: string;
  readonly url: string | null;
  readonly artworkUrl: string | null;
  readonly durationMs: number | null;
  readonly requestedBy: string | null;
  readonly source: string;
}

export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'paused';
export type LoopMode = 'off' | 'track' | 'queue';

export interface Player {
  readonly status: PlayerStatus;
  readonly track: Track | null;
  readonly positionMs: number;
  readonly volume: number;
  readonly loop: LoopMode;
  readonly filter: string;
  readonly voiceChannelId: string | null;
}

export interface Playlist {
  readonly name: string;
  readonly trackCount: number;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface CreatedToken {
  readonly id: string;
  readonly name: string;
  readonly token: string;
}

/** The filter presets /filter offers (README). */
export const FILTERS = ['off', 'bassboost', 'nightcore', 'vaporwave', 'karaoke', '8d', 'soft', 'treble', 'lowpass'];
export const LOOP_MODES: readonly LoopMode[] = ['off', 'track', 'queue'];
