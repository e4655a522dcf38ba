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
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;
