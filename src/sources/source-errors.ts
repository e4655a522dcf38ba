import { UserError } from '../core/errors.js';

/**
 * The sources' user errors by name, so adapters read alike: each picks its own catalogue code and fills the
 * template's placeholders (the wording itself lives only in src/core/errors.ts).
 */
export const sourceErrors = {
  ytDlpMissing: (): UserError => new UserError('YTDLP_MISSING'),
  notConfigured: (service: string, settings: string): UserError =>
    new UserError('SOURCE_NOT_CONFIGURED', { service, settings }),
  credentialsRejected: (service: string, settings: string): UserError =>
    new UserError('SOURCE_CREDENTIALS_REJECTED', { service, settings }),
  /** A URL the extractor had just signed was refused (the origin blocks us). */
  refused: (label: string, status: number): UserError => new UserError('SOURCE_REFUSED', { source: label, status }),
  linkDead: (service: string): UserError => new UserError('LINK_DEAD', { service }),
  linkKindUnsupported: (service: string): UserError => new UserError('LINK_KIND_UNSUPPORTED', { service }),
  noResults: (): UserError => new UserError('NO_RESULTS'),
  noMatch: (title: string): UserError => new UserError('NO_MATCH', { title: title.slice(0, 100) }),
  playlistEmpty: (): UserError => new UserError('PLAYLIST_EMPTY'),
  /** The source's circuit breaker is open. */
  trouble: (label: string): UserError => new UserError('SOURCE_TROUBLE', { source: label }),
  formatUnsupported: (what: string): UserError => new UserError('FORMAT_UNSUPPORTED', { what }),
  localNotFound: (): UserError => new UserError('LOCAL_NOT_FOUND'),
  outsideFolder: (): UserError => new UserError('LOCAL_OUTSIDE_FOLDER'),
  notDiscordAttachment: (): UserError => new UserError('ATTACHMENT_NOT_DISCORD'),
};

/** Display names for messages and logs. */
export const SOURCE_LABELS: Readonly<Record<string, string>> = {
  http: 'That website',
  attachment: 'Discord attachments',
  radio: 'That radio station',
  youtube: 'YouTube',
  soundcloud: 'SoundCloud',
  spotify: 'Spotify',
  deezer: 'Deezer',
  local: 'The local music library',
};
