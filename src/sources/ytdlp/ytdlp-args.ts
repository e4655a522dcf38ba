/**
 * Command lines for yt-dlp. Kept pure so the exact arguments are unit-tested.
 *
 * Invariants: user text only ever follows `--` (end of options), so a query such as `--exec rm …` is a
 * URL/search term, never an option; every run prints one JSON document (`--dump-single-json`) on stdout;
 * warnings stay on (they go to stderr) because they tell a JavaScript-challenge failure ("n challenge solving
 * failed", "Only images are available") from a video without audio; playlists and searches are flat
 * (`--flat-playlist`: ids and titles only, one request per page instead of one per video); yt-dlp solves
 * YouTube's JavaScript challenges with Node (`--js-runtimes node`, the spelling of yt-dlp ≥ 2025.11.12).
 *
 * The owner's options (YTDLP_ARGS, cookies, PO-token provider) come first and ours after them: ours win where
 * they overlap, and an owner option left without its value can only swallow our first flag, never the `--`
 * (owner options are validated at start-up: no `--`, no bare words; see ytdlp-owner-args.ts).
 */

/** Opus first: Discord speaks Opus, so an Opus stream can be passed through without re-encoding. */
export const AUDIO_FORMAT = 'bestaudio[acodec=opus]/bestaudio';

export interface YtDlpArgsOptions {
  /** `RUNTIME[:PATH]` for `--js-runtimes` (default `node`; e.g. `node:/usr/bin/node`). */
  readonly jsRuntime?: string;
  /** yt-dlp's own per-request socket timeout, seconds (default 10). */
  readonly socketTimeoutSec?: number;
  /** Owner-supplied extra options (e.g. `--cookies`), placed before `--`. */
  readonly extraArgs?: readonly string[];
}

function common(options: YtDlpArgsOptions): string[] {
  return [
    ...(options.extraArgs ?? []),
    '--dump-single-json',
    '--no-progress',
    '--js-runtimes',
    options.jsRuntime ?? 'node',
    '--socket-timeout',
    String(options.socketTimeoutSec ?? 10),
  ];
}

/** One video with its chosen audio format; `--no-playlist` so `watch?v=…&list=…` stays one video. */
export function videoArgs(url: string, options: YtDlpArgsOptions = {}): string[] {
  return [...common(options), '--no-playlist', '-f', AUDIO_FORMAT, '--', url];
}

/** A playlist's first `maxEntries` entries, flat. */
export function playlistArgs(url: string, maxEntries: number, options: YtDlpArgsOptions = {}): string[] {
  const limit = Math.max(1, Math.floor(maxEntries));
  return [...common(options), '--flat-playlist', '--yes-playlist', '--playlist-items', `1:${limit}`, '--', url];
}

/** yt-dlp's search prefixes: YouTube, and SoundCloud (the fallback when YouTube refuses this server). */
export type SearchSite = 'ytsearch' | 'scsearch';

/** `ytsearchN:<text>` (or `scsearchN:`): the first `limit` (1–25) results, flat. */
export function searchArgs(
  text: string,
  limit = 5,
  options: YtDlpArgsOptions = {},
  site: SearchSite = 'ytsearch',
): string[] {
  const n = Math.min(25, Math.max(1, Math.floor(limit)));
  const query = text.replace(/[\r\n]+/g, ' ').trim();
  return [...common(options), '--flat-playlist', '--', `${site}${n}:${query}`];
}
