/**
 * One catalogue of the errors users can cause or meet. Each has a stable code (used in metrics and logs) and
 * friendly text; nothing else is ever shown to a user. Anything that is not a `UserError` is a bug or an
 * outage: it is logged with a reference id and the user sees only that id (see the interaction router).
 */
export const ERRORS = {
  NOT_IN_VOICE: 'Join a voice channel first, then try again.',
  NOT_SAME_CHANNEL: "You need to be in my voice channel to control playback.",
  MISSING_VOICE_PERMISSIONS: "I can't join that voice channel: I need the **Connect** and **Speak** permissions there.",
  VOICE_CHANNEL_FULL: 'That voice channel is full.',
  VOICE_CONNECT_FAILED: "I couldn't connect to the voice channel. Please try again in a moment.",
  VOICE_E2EE_REQUIRED: "Discord requires end-to-end encrypted voice (DAVE) here and my connection couldn't provide it, so I can't join. The bot's owner can run `npm run doctor` to see why.",
  VOICE_E2EE_UNAVAILABLE: "My voice encryption library (DAVE) isn't available on this machine, so I can't join voice channels. The bot's owner can run `npm run doctor` to fix it.",
  GUILD_ONLY: 'This command only works in a server.',
  EMPTY_QUERY: 'Tell me what to play: a link to an audio file or stream, or a search.',
  QUERY_TOO_LONG: 'That query is too long (500 characters at most).',
  UNSUPPORTED_QUERY: "I can't play that yet. Give me a direct http(s) link to an audio file or stream.",
  BAD_URL: "That doesn't look like a valid link.",
  UNSUPPORTED_SCHEME: 'Only http:// and https:// links can be played.',
  PRIVATE_ADDRESS: "That link points to a private or local network address, which I'm not allowed to fetch.",
  FETCH_FAILED: "I couldn't fetch that link. Check that it's reachable and try again.",
  FETCH_TIMEOUT: 'That link took too long to answer.',
  HTTP_STATUS: 'That link answered with an error instead of audio.',
  TOO_MANY_REDIRECTS: 'That link redirects too many times.',
  NOT_AUDIO: "That link doesn't point to audio I can play.",
  MEDIA_TOO_LARGE: 'That file is too large to play.',
  BROKEN_MEDIA: "That file couldn't be decoded as audio; skipping it.",
  NOTHING_PLAYING: 'Nothing is playing right now.',
  ALREADY_PAUSED: 'Playback is already paused.',
  NOT_PAUSED: "Playback isn't paused.",
  QUEUE_EMPTY: 'The queue is empty.',
  QUEUE_FULL: 'The queue is full.',
  SHUTTING_DOWN: "I'm restarting right now; please try again in a few seconds.",
  BUSY: "I'm playing in too many servers right now; please try again later.",
  SOURCE_UNAVAILABLE: 'That source is having trouble right now; please try again later.',
  INVALID_ARGUMENT: "That value isn't valid for this command.",
  NOT_DJ: 'Only DJs can do that while others are listening: you need the DJ role or Manage Server.',
  MANAGE_GUILD_REQUIRED: 'Only members with the **Manage Server** permission can change my settings.',
  DUPLICATE_TRACK: "That's already in the queue, and this server doesn't allow duplicates.",
  USER_QUEUE_LIMIT: 'You already have as many tracks queued as this server allows per member.',
  BAD_SEEK_POSITION: 'Give a position like `1:23`, `83` (seconds), `1:02:03`, or `+10` / `-10` to jump.',
  BAD_QUEUE_RANGE: 'Give a queue position like `3`, or a range like `3-7`.',
  STALE_CONTROLS: 'Those buttons belong to a track that is no longer playing.',
  YTDLP_MISSING: "YouTube playback isn't set up on this bot yet (yt-dlp is missing). Ask the bot's owner to install it.",
  TRACK_UNAVAILABLE: "That video isn't available (private, removed, age-restricted or blocked in this region).",
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error meant for the user: `message` is friendly text from the catalogue (optionally detailed). */
export class UserError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail?: string) {
    super(detail ? `${ERRORS[code]} ${detail}` : ERRORS[code]);
    this.name = 'UserError';
    this.code = code;
  }

  /** The same code with more specific friendly text (e.g. naming the action a DJ role is needed for). */
  static withText(code: ErrorCode, text: string): UserError {
    const error = new UserError(code);
    error.message = text;
    return error;
  }
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;
