/**
 * Text formatting for messages. Pure. Titles and names come from untrusted sources (file names, stream
 * metadata, other users), so `escapeText` neutralises every form of Discord markup in them, with one
 * consistent technique: Markdown characters get a backslash, and forms a backslash does not stop get an
 * invisible character inside them (U+200B zero-width space, U+200D for @everyone/@here):
 * - Markdown: emphasis, code, spoilers, strike, block quotes, headers (`#`), subtext (`-#`), lists (`-`, `*`,
 *   `1.`) and masked links (`[text](url)`);
 * - every `<…>` form: user/role/channel mentions, slash-command mentions (`</play:1>`), timestamps
 *   (`<t:…:R>`), custom emoji (`<:e:id>`, `<a:e:id>`) and `<https://…>` links: `<` is followed by U+200B;
 * - links: `scheme://` becomes `scheme:\u200B//` and `discord.gg` becomes `discord\u200B.gg`, so nothing in
 *   untrusted text is clickable (wrapping a link in `<…>` only hides its preview, it still links);
 * - `@everyone`/`@here`, as a second line of defence behind `allowed_mentions: { parse: [] }`.
 */
export function escapeText(text: string, maxLength = 200): string {
  const clipped = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  return (
    clipped
      .replace(/[\r\n\u2028\u2029]+/g, ' ')
      .replace(/([\\*_~`|>#[\]()-])/g, '\\$1')
      .replace(/^(\s*\d+)\.(?=\s)/, '$1\\.') // an ordered-list marker (`1. `), not a version number
      .replace(/</g, '<\u200B')
      .replace(/@(everyone|here)/gi, '@\u200D$1')
      .replace(/<(@[!&]?|#)(\d+)>/g, '<$1\u200D$2>')
      // Timestamps (`<t:0:R>`), custom emoji (`<:name:id>`), command mentions (`</cmd:id>`) and guide links.
      .replace(/<(t:|a?:|\/|id:)/g, '<\u200D$1')
      .replace(/:\/\//g, ':\u200B//')
      .replace(/\b(discord(?:app)?)\.(gg|com|io|me)\b/gi, '$1\u200B.$2')
  );
}

/** `1 track`, `3 tracks`: counts read as English, not `track(s)`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** `83000` → `1:23`; `3723000` → `1:02:03`; null (length unknown) → `?:??`: only a live stream is called live. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?:??';
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How long a track is, for display: `3:21`, `live`, or empty when unknown. */
export function trackLength(track: { readonly durationMs: number | null; readonly isLive?: boolean }): string {
  if (track.isLive === true) return '🔴 live';
  return track.durationMs === null ? '' : formatDuration(track.durationMs);
}

/**
 * How far playback is: `▬▬▬🔘▬▬▬▬▬▬ \`1:23 / 3:21\``; a live stream shows `🔴 live · 1:23`, a track of unknown
 * length only the elapsed time.
 */
export function playbackProgress(
  elapsedMs: number,
  track: { readonly durationMs: number | null; readonly isLive?: boolean },
): string {
  if (track.isLive === true) return `🔴 live · \`${formatDuration(elapsedMs)}\``;
  if (track.durationMs === null || track.durationMs <= 0)
    return `\`${formatDuration(elapsedMs)}\` played (length unknown)`;
  return `${progressBar(elapsedMs, track.durationMs)} \`${formatDuration(elapsedMs)} / ${formatDuration(track.durationMs)}\``;
}

/** What looping does, in words: `no repeat`, `repeating this track`, `repeating the queue`. */
export function loopPhrase(mode: 'off' | 'track' | 'queue'): string {
  return mode === 'off' ? 'no repeat' : mode === 'track' ? 'repeating this track' : 'repeating the queue';
}

/** A text progress bar: `▬▬▬🔘▬▬▬▬▬▬` (the knob at the elapsed share); no total → a bar without a knob. */
export function progressBar(elapsedMs: number, totalMs: number | null, width = 14): string {
  if (totalMs === null || totalMs <= 0) return '▬'.repeat(width);
  const knob = Math.min(width - 1, Math.max(0, Math.round((elapsedMs / totalMs) * (width - 1))));
  return `${'▬'.repeat(knob)}🔘${'▬'.repeat(width - 1 - knob)}`;
}
