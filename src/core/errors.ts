/**
 * One catalogue of the errors users can cause or meet. Each row is a stable code (used in metrics and logs)
 * and the one template users read; nothing else is ever shown to a user. Anything that is not a `UserError`
 * is a bug or an outage: it is logged with a reference id and the user sees only that id (see the router).
 *
 * Adding a failure: add a row here (its own code, its own sentence), then `throw new UserError('CODE')`, or
 * `new UserError('CODE', { name: value })` when the template has `{name}` placeholders — the only way to add
 * detail, checked by the compiler. Placeholders carry facts the bot chose (a number, a service name, a title),
 * never an error's own message. test/unit/error-catalogue.test.ts walks this table.
 */
export const ERRORS = {
  // Voice and the command surface
  NOT_IN_VOICE: 'Join a voice channel first, then try again.',
  NOT_SAME_CHANNEL: 'You need to be in my voice channel {channel} to {action}.',
  MISSING_VOICE_PERMISSIONS:
    "I can't join that voice channel: I need the **View Channel**, **Connect** and **Speak** permissions there.",
  VOICE_CHANNEL_FULL: 'That voice channel is full.',
  VOICE_CONNECT_FAILED: "I couldn't connect to the voice channel. Please try again in a moment.",
  SESSION_ENDED: 'Playback here has just ended (I left the voice channel). Use /play to start again.',
  VOICE_E2EE_REQUIRED:
    "Discord requires end-to-end encrypted voice (DAVE) here and my connection couldn't provide it, so I can't join. The bot's owner can run `npm run doctor` to see why.",
  VOICE_E2EE_UNAVAILABLE:
    "My voice encryption library (DAVE) isn't available on this machine, so I can't join voice channels. The bot's owner can run `npm run doctor` to fix it.",
  GUILD_ONLY: 'This command only works in a server.',
  UNKNOWN_COMMAND: 'That command is not known to me any more.',
  UNKNOWN_BUTTON: "That button doesn't work any more.",
  FOREIGN_BUTTON: 'That button is not mine.',
  SHUTTING_DOWN: "I'm restarting right now; please try again in a few seconds.",
  BUSY: "I'm playing in too many servers right now; please try again later.",

  // What a user asked to play
  EMPTY_QUERY: 'Tell me what to play: a link to an audio file or stream, or a search.',
  QUERY_TOO_LONG: 'That query is too long (500 characters at most).',
  UNSUPPORTED_QUERY:
    "I can't play that link. Try a YouTube, SoundCloud, Spotify or Deezer link, a link to an audio file or stream, or just type what to search for.",
  BAD_URL: "That doesn't look like a valid link.",
  UNSUPPORTED_SCHEME: 'Only http:// and https:// links can be played.',
  PRIVATE_ADDRESS: "That link points to a private or local network address, which I'm not allowed to fetch.",
  ATTACHMENT_NOT_DISCORD: "That attachment isn't hosted by Discord.",
  LINK_KIND_UNSUPPORTED: 'I can play {service} tracks, albums and playlists (not artists, podcasts or profiles).',

  // Fetching and decoding
  FETCH_FAILED: "I couldn't fetch that link. Check that it's reachable and try again.",
  FETCH_TIMEOUT: 'That link took too long to answer.',
  STREAM_STALLED: 'That link took too long to answer. It stopped sending audio.',
  HTTP_STATUS: 'That link answered with an error instead of audio. (HTTP {status})',
  TOO_MANY_REDIRECTS: 'That link redirects too many times.',
  NOT_AUDIO: "That link doesn't point to audio I can play.",
  FORMAT_UNSUPPORTED: "I can't play {what} yet.",
  FFMPEG_MISSING:
    "That link doesn't point to audio I can play. This server has no ffmpeg, so only Opus (Ogg/WebM) audio can be played.",
  MEDIA_TOO_LARGE: 'That file is too large to play.',
  BROKEN_MEDIA: "That file couldn't be decoded as audio; skipping it.",

  // What a source found (or did not)
  LINK_DEAD: "I couldn't open that {service} link: it may be private, deleted or not available here.",
  TRACK_UNAVAILABLE: "That video isn't available (private, removed, age-restricted or blocked in this region).",
  NO_RESULTS: 'I found nothing playable for that search.',
  NO_MATCH: 'I couldn\'t find a playable version of "{title}".',
  PLAYLIST_EMPTY: 'That playlist has nothing I can play.',
  LOCAL_NOT_FOUND: 'Nothing in the local music library matches that.',
  LOCAL_OUTSIDE_FOLDER: "That path isn't inside the bot's music folder.",

  // A source that cannot serve anyone right now (see SOURCE_OUTAGE_CODES)
  SOURCE_UNAVAILABLE: 'That source is having trouble right now; please try again later.',
  SOURCE_TROUBLE: "{source} is having trouble right now, so I've paused requests to it; please try again in a minute.",
  SOURCE_REFUSED: '{source} refused to send that audio (HTTP {status}); please try again later.',
  SOURCE_NOT_CONFIGURED: "{service} links aren't set up on this bot: its owner needs to set {settings}.",
  SOURCE_CREDENTIALS_REJECTED: "{service} didn't accept this bot's credentials: its owner needs to check {settings}.",
  YTDLP_MISSING:
    "YouTube and SoundCloud don't work on this bot yet: its owner needs to install yt-dlp (or set YTDLP_PATH).",

  // Playback controls
  NOTHING_PLAYING: 'Nothing is playing right now.',
  ALREADY_PAUSED: 'Playback is already paused.',
  NOT_PAUSED: "Playback isn't paused.",
  NO_PREVIOUS_TRACK: 'There is no previous track.',
  LIVE_NOT_SEEKABLE: "You can't seek in a live stream.",
  SEEK_OUT_OF_RANGE: 'That position is outside the track.',
  BAD_SEEK_POSITION: 'Give a position like `1:23`, `83` (seconds), `1:02:03`, or `+10` / `-10` to jump.',
  BAD_LOOP_MODE: 'Loop mode must be off, track or queue.',
  STALE_CONTROLS: 'Those buttons belong to a track that is no longer playing.',

  // The queue
  QUEUE_EMPTY: 'The queue is empty.',
  QUEUE_FULL: 'The queue is full. ({limit} tracks at most.)',
  QUEUE_POSITION_OUT_OF_RANGE: 'The queue has {count}; pick {range}.',
  SKIP_COUNT_OUT_OF_RANGE: 'You can skip {range}.',
  QUEUE_RANGE_REVERSED: 'The range must not start ({from}) after it ends ({to}).',
  BAD_QUEUE_RANGE: 'Give a queue position like `3`, or a range like `3-7`.',
  BAD_ADD_POSITION: 'Add at "end" or "next".',
  DUPLICATE_TRACK: "That's already in the queue, and this server doesn't allow duplicates.",
  QUEUE_ENTRY_GONE: 'That track is no longer in the queue.',
  USER_QUEUE_LIMIT: 'You already have {tracks} queued, the most this server allows per member.',

  // Permissions and settings
  NOT_DJ: 'Only DJs can {action} while others are listening: you need the {role} role or Manage Server.',
  MANAGE_GUILD_REQUIRED: 'Only members with the **Manage Server** permission can change my settings.',
  UNKNOWN_SETTING: 'That setting is not known to me any more.',
  SETTING_TARGET_NOT_FOUND: "I can't find that {option} in this server.",
  INVALID_ARGUMENT: "That value isn't valid for this command.",

  // Sound
  UNKNOWN_FILTER:
    "I don't know that filter. Pick one from the list: off, bassboost, nightcore, vaporwave, karaoke, 8d, soft, treble or lowpass.",

  // Library: saved playlists, lyrics, DMs
  PLAYLIST_BAD_NAME:
    "Playlist names are 1-32 characters: letters, numbers, spaces and . _ ' & ( ) -, starting with a letter or number.",
  PLAYLIST_NOT_FOUND: 'You have no saved playlist with that name. `/playlist list` shows yours.',
  PLAYLIST_LIMIT:
    'You already have {count} saved playlists, the most this bot allows ({limit}); delete one first with `/playlist delete`.',
  PLAYLIST_TOO_LONG:
    "That's {count} tracks; a saved playlist holds {limit} at most. Remove some, or save just the current track with `current:true`.",
  NOTHING_TO_SAVE: 'There is nothing to save: the queue is empty and nothing is playing.',
  STORE_UNAVAILABLE: "My storage isn't answering right now, so I can't keep that; please try again in a moment.",
  LYRICS_OFF: 'Lyrics are turned off on this bot.',
  LYRICS_UNAVAILABLE: "The lyrics service isn't answering right now; please try again in a moment.",
  DM_CLOSED: "I couldn't send you a DM: your direct messages are closed. Allow DMs from server members and try again.",
  HISTORY_ENTRY_GONE: "That track isn't in the history any more.",
  LYRICS_NEED_QUERY: 'Nothing is playing right now. Give a `query` to look up any song.',
  LYRICS_GONE: 'Those lyrics are no longer available.',
  UNKNOWN_PLAYLIST_ACTION: 'That playlist action is not known to me any more.',

  // Hostile input
  FAILURE_RUN:
    "I stopped playing: several tracks in a row couldn't be played. The rest of the queue is kept; /play starts it again.",
  RATE_LIMITED: "Slow down a little: you're sending commands faster than I can take them. Try again in a few seconds.",

  // YouTube, one code per way it refuses (classified from yt-dlp's messages: sources/ytdlp/youtube-failures.ts).
  YOUTUBE_BOT_CHECK:
    "YouTube is refusing this server right now (it wants a sign-in to prove I'm not a bot). The bot's owner has been told how to fix it.",
  YOUTUBE_SIGN_IN: 'YouTube only shows that video to signed-in viewers (it is age-restricted).',
  YOUTUBE_PRIVATE: 'That YouTube video is private.',
  YOUTUBE_REMOVED: "That YouTube video has been removed or doesn't exist.",
  YOUTUBE_REGION_BLOCKED: "That YouTube video isn't available in the country this bot runs in.",
  YOUTUBE_MEMBERS_ONLY: "That YouTube video is for the channel's paying members only.",
  YOUTUBE_NOT_LIVE_YET: "That premiere or live stream hasn't started yet; try again once it is live.",
  YOUTUBE_RATE_LIMITED: 'YouTube is limiting how often this bot may ask right now; please try again in a few minutes.',
  YOUTUBE_CHALLENGE_FAILED:
    "YouTube changed something this bot's YouTube reader (yt-dlp) can't handle yet. The bot's owner has been told how to fix it.",
  YOUTUBE_MEDIA_FORBIDDEN:
    "YouTube refused to send that video's audio (HTTP 403). The bot's owner has been told how to fix it.",
  YOUTUBE_UNSUPPORTED_URL:
    "I can't play that kind of YouTube link: give me a video or playlist link, or words to search for.",

  // The web player and REST API (src/web-api)
  UNAUTHENTICATED: 'Log in with Discord first (or send a personal API token).',
  CSRF: 'This request is missing its security token; reload the page and try again.',
  LOGIN_STATE: 'That login did not start here or took too long; please log in again.',
  LOGIN_CANCELLED: 'The login was cancelled on Discord, so you are not logged in.',
  LOGIN_FAILED: "Discord didn't confirm your login; please try again in a moment.",
  GUILD_NOT_FOUND: "I can't find that server: either I'm not in it or you aren't a member.",
  NOT_FOUND: 'There is nothing here.',
  TOKEN_NOT_FOUND: 'You have no API token with that id.',
  TOKEN_LIMIT: 'You already have {limit} API tokens, the most allowed; revoke one first.',
  INTERNAL: "Something went wrong on my side. If it keeps happening, tell the bot's owner: reference {reference}.",
  PAGE_NOT_BUILT: "The web player page hasn't been built on this server yet: its owner needs to run `npm run build`.",

  // Owner tools
  STATUS_UNAVAILABLE: "My status isn't available right now; please try again in a little while.",
  STATUS_FORBIDDEN: "Only the bot's owner and members with the **Manage Server** permission can see my status.",
  FEEDBACK_ONCE_A_DAY: "You've already rated me today, thank you! You can rate again tomorrow (UTC).",
  BAD_RATING: 'A rating is a whole number from 1 to 5.',
  FEEDBACK_NOT_SAVED: "I couldn't save your feedback just now; please try again in a little while.",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Lines a reply adds to say how it was answered (not failures, so not codes for metrics): the other half of
 * the one catalogue. Placeholders are filled by `renderNote`; the caller escapes untrusted values (a title).
 */
export const NOTES = {
  /** A search or a Spotify/Deezer track played from SoundCloud because YouTube refuses this server. */
  FROM_SOUNDCLOUD: '🔁 from SoundCloud: YouTube is refusing this server right now',
  /** A YouTube link YouTube refused, with the SoundCloud upload that matches it well: offered, never played. */
  SOUNDCLOUD_SUGGESTION: '🔎 Found it on SoundCloud: **{title}**{by}. To play it: `/play {url}`',
} as const satisfies Record<string, string>;

export type NoteCode = keyof typeof NOTES;

/** Fills a note's placeholders (as renderError does for failures). */
export function renderNote(code: NoteCode, params: Readonly<Record<string, string | number>> = {}): string {
  return NOTES[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The `{name}` placeholders of a template, as a union of names. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a code's template needs (an empty record for a template without placeholders). */
export type ErrorParams<C extends ErrorCode> = Readonly<Record<Placeholders<(typeof ERRORS)[C]>, string | number>>;

/** Codes whose template needs no values (what a table mapping failures to codes may name). */
export type PlainErrorCode = {
  [C in ErrorCode]: [Placeholders<(typeof ERRORS)[C]>] extends [never] ? C : never;
}[ErrorCode];

type ParamArgs<C extends ErrorCode> = [Placeholders<(typeof ERRORS)[C]>] extends [never]
  ? []
  : [params: ErrorParams<C>];

/**
 * Codes meaning "the origin cannot serve anyone right now", not "this request was bad": circuit breakers count
 * them as source faults, and a playlist keeps an entry that failed with one (playback will try it again).
 */
export const SOURCE_OUTAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SOURCE_UNAVAILABLE',
  'SOURCE_TROUBLE',
  'SOURCE_REFUSED',
  'SOURCE_CREDENTIALS_REJECTED',
]);

/** Fills a template's placeholders; a missing value stays visible as `{name}` (the catalogue test forbids it). */
export function renderError(code: ErrorCode, params: Readonly<Record<string, string | number>> = {}): string {
  return ERRORS[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** An error meant for the user: `message` is the catalogue's template for `code`, filled with `params`. */
export class UserError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** A line from NOTES shown under the message (a stand-in found elsewhere); set once, by `withNote`. */
  private noteValue: string | undefined;

  constructor(code: C, ...params: ParamArgs<C>) {
    super(renderError(code, params[0]));
    this.name = 'UserError';
    this.code = code;
  }

  get note(): string | undefined {
    return this.noteValue;
  }

  /** Adds a catalogue note (the same failure, code and message, plus a line that helps); returns this error. */
  withNote(code: NoteCode, params: Readonly<Record<string, string | number>> = {}): this {
    this.noteValue = renderNote(code, params);
    return this;
  }
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;
