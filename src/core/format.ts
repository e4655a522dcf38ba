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
  return clipped
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/([\\*_~`|>#[\]()-])/g, '\\$1')
    .replace(/^(\s*\d+)\./, '$1\\.')
    .replace(/</g, '<\u200B')
    .replace(/@(everyone|here)/gi, '@\u200D$1')
    .replace(/:\/\//g, ':\u200B//')
    .replace(/\b(discord(?:app)?)\.(gg|com|io|me)\b/gi, '$1\u200B.$2');
}

/** `83000` → `1:23`; `3723000` → `1:02:03`; null → `live`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'live';
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

/** A text progress bar: `▬▬▬🔘▬▬▬▬▬▬` (the knob at the elapsed share). */
export function progressBar(elapsedMs: number, totalMs: number | null, width = 14): string {
  if (totalMs === null || totalMs <= 0) return `${'▬'.repeat(width)} 🔴 live`;
  const knob = Math.min(width - 1, Math.max(0, Math.round((elapsedMs / totalMs) * (width - 1))));
  return `${'▬'.repeat(knob)}🔘${'▬'.repeat(width - 1 - knob)}`;
}
