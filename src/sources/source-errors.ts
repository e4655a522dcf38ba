import { UserError } from '../core/errors.js';

/**
 * The sources' user errors: catalogue codes (src/core/errors.ts) with wording specific to the source, so
 * metrics stay within the catalogue and users never read a mismatched sentence such as "try again later" for
 * a missing setting.
 */
export const sourceErrors = {
  /** YTDLP_MISSING */
  ytDlpMissing: (): UserError =>
    UserError.withText(
      'YTDLP_MISSING',
      "YouTube and SoundCloud don't work on this bot yet: its owner needs to install yt-dlp (or set YTDLP_PATH).",
    ),
  /** SOURCE_NOT_CONFIGURED */
  notConfigured: (service: string, settings: string): UserError =>
    UserError.withText('UNSUPPORTED_QUERY', `${service} links aren't set up on this bot: its owner needs to set ${settings}.`),
  /** SOURCE_CREDENTIALS_REJECTED */
  credentialsRejected: (service: string, settings: string): UserError =>
    UserError.withText('SOURCE_UNAVAILABLE', `${service} didn't accept this bot's credentials: its owner needs to check ${settings}.`),
  /** SOURCE_REFUSED: a URL the extractor had just signed was refused (the origin blocks us). */
  refused: (label: string, status: number): UserError =>
    UserError.withText('SOURCE_UNAVAILABLE', `${label} refused to send that audio (HTTP ${status}); please try again later.`),
  /** LINK_DEAD */
  linkDead: (service: string): UserError =>
    UserError.withText('NOT_AUDIO', `I couldn't open that ${service} link: it may be private, deleted or not available here.`),
  /** LINK_KIND_UNSUPPORTED */
  linkKindUnsupported: (service: string): UserError =>
    UserError.withText('UNSUPPORTED_QUERY', `I can play ${service} tracks, albums and playlists (not artists, podcasts or profiles).`),
  /** NO_RESULTS */
  noResults: (): UserError => UserError.withText('NOT_AUDIO', 'I found nothing playable for that search.'),
  /** NO_MATCH */
  noMatch: (title: string): UserError =>
    UserError.withText('NOT_AUDIO', `I couldn't find a playable version of "${title.slice(0, 100)}".`),
  /** PLAYLIST_EMPTY */
  playlistEmpty: (): UserError => UserError.withText('NOT_AUDIO', 'That playlist has nothing I can play.'),
  /** SOURCE_TROUBLE */
  trouble: (label: string): UserError =>
    UserError.withText('SOURCE_UNAVAILABLE', `${label} is having trouble right now, so I've paused requests to it; please try again in a minute.`),
  /** STREAM_FORMAT_UNSUPPORTED */
  formatUnsupported: (what: string): UserError => UserError.withText('NOT_AUDIO', `I can't play ${what} yet.`),
  /** LOCAL_NOT_FOUND */
  localNotFound: (): UserError => UserError.withText('NOT_AUDIO', 'Nothing in the local music library matches that.'),
  /** LOCAL_OUTSIDE_FOLDER */
  outsideFolder: (): UserError => UserError.withText('BAD_URL', "That path isn't inside the bot's music folder."),
  /** ATTACHMENT_NOT_DISCORD */
  notDiscordAttachment: (): UserError => UserError.withText('BAD_URL', "That attachment isn't hosted by Discord."),
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
