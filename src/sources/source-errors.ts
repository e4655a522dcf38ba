import { UserError, type ErrorCode } from '../core/errors.js';

/**
 * User errors the sources need that the catalogue (src/core/errors.ts) does not have yet. Each is raised
 * under the nearest existing code (so metrics stay within the catalogue) with its own friendly text (so users
 * never read a mismatched sentence such as "try again later" for a missing setting). When the codes land,
 * only this file changes.
 *
 * Wanted codes: YTDLP_MISSING, SOURCE_NOT_CONFIGURED, SOURCE_CREDENTIALS_REJECTED, SOURCE_REFUSED, NO_RESULTS,
 * NO_MATCH, LINK_DEAD, LINK_KIND_UNSUPPORTED, PLAYLIST_EMPTY, SOURCE_TROUBLE, STREAM_FORMAT_UNSUPPORTED,
 * LOCAL_NOT_FOUND, LOCAL_OUTSIDE_FOLDER, ATTACHMENT_NOT_DISCORD.
 */
export class CatalogueGapError extends UserError {
  constructor(code: ErrorCode, text: string) {
    super(code);
    this.message = text;
  }
}

export const sourceErrors = {
  /** YTDLP_MISSING */
  ytDlpMissing: (): UserError =>
    new CatalogueGapError(
      'SOURCE_UNAVAILABLE',
      "YouTube and SoundCloud don't work on this bot yet: its owner needs to install yt-dlp (or set YTDLP_PATH).",
    ),
  /** SOURCE_NOT_CONFIGURED */
  notConfigured: (service: string, settings: string): UserError =>
    new CatalogueGapError('UNSUPPORTED_QUERY', `${service} links aren't set up on this bot: its owner needs to set ${settings}.`),
  /** SOURCE_CREDENTIALS_REJECTED */
  credentialsRejected: (service: string, settings: string): UserError =>
    new CatalogueGapError('SOURCE_UNAVAILABLE', `${service} didn't accept this bot's credentials: its owner needs to check ${settings}.`),
  /** SOURCE_REFUSED: a URL the extractor had just signed was refused (the origin blocks us). */
  refused: (label: string, status: number): UserError =>
    new CatalogueGapError('SOURCE_UNAVAILABLE', `${label} refused to send that audio (HTTP ${status}); please try again later.`),
  /** LINK_DEAD */
  linkDead: (service: string): UserError =>
    new CatalogueGapError('NOT_AUDIO', `I couldn't open that ${service} link: it may be private, deleted or not available here.`),
  /** LINK_KIND_UNSUPPORTED */
  linkKindUnsupported: (service: string): UserError =>
    new CatalogueGapError('UNSUPPORTED_QUERY', `I can play ${service} tracks, albums and playlists (not artists, podcasts or profiles).`),
  /** NO_RESULTS */
  noResults: (): UserError => new CatalogueGapError('NOT_AUDIO', 'I found nothing playable for that search.'),
  /** NO_MATCH */
  noMatch: (title: string): UserError =>
    new CatalogueGapError('NOT_AUDIO', `I couldn't find a playable version of "${title.slice(0, 100)}".`),
  /** PLAYLIST_EMPTY */
  playlistEmpty: (): UserError => new CatalogueGapError('NOT_AUDIO', 'That playlist has nothing I can play.'),
  /** SOURCE_TROUBLE */
  trouble: (label: string): UserError =>
    new CatalogueGapError('SOURCE_UNAVAILABLE', `${label} is having trouble right now, so I've paused requests to it; please try again in a minute.`),
  /** STREAM_FORMAT_UNSUPPORTED */
  formatUnsupported: (what: string): UserError => new CatalogueGapError('NOT_AUDIO', `I can't play ${what} yet.`),
  /** LOCAL_NOT_FOUND */
  localNotFound: (): UserError => new CatalogueGapError('NOT_AUDIO', 'Nothing in the local music library matches that.'),
  /** LOCAL_OUTSIDE_FOLDER */
  outsideFolder: (): UserError => new CatalogueGapError('BAD_URL', "That path isn't inside the bot's music folder."),
  /** ATTACHMENT_NOT_DISCORD */
  notDiscordAttachment: (): UserError => new CatalogueGapError('BAD_URL', "That attachment isn't hosted by Discord."),
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
