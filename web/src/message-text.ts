/**
 * The API's messages are the slash commands' replies, written in Discord's Markdown: `**bold**`, `\-` escapes,
 * channel and user mentions (`<#id>`, `<@id>`). The page shows them as plain text: markers and mentions out.
 */
export function plainText(message: string): string {
  return message
    .replace(/<(?:#|@!?|@&)\d+>/g, '')
    .replace(/<a?:(\w+):\d+>/g, ':$1:')
    .replace(/\*\*|__|~~|`/g, '')
    .replace(/\\([\\`*_~|<>#\-.!()[\]{}])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
}

/** An image URL the page's CSP lets load (img-src 'self' https: data:); anything else is left out, not broken. */
export function allowedImage(url: string | null | undefined): string | null {
  if (!url) return null;
  return /^(https:|data:image\/|\/(?!\/))/.test(url) ? url : null;
}
