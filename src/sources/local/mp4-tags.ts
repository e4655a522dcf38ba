/**
 * Title and artist from an MP4/M4A file's iTunes-style metadata (`moov/udta/meta/ilst`, items `©nam` and
 * `©ART`, each holding a `data` box with UTF-8 text). Only what lies in the head is read: files written with
 * the index first ("faststart", as streaming servers and most encoders for the web do). Pure and total.
 */
export interface Mp4Tags {
  readonly title?: string;
  readonly artist?: string;
}

interface Box {
  readonly type: string;
  readonly body: number;
  readonly end: number;
}

function boxAt(b: Buffer, at: number, limit: number): Box | null {
  if (at + 8 > limit) return null;
  const size = b.readUInt32BE(at);
  const type = b.toString('latin1', at + 4, at + 8);
  if (size === 1) {
    if (at + 16 > limit) return null;
    const large = Number(b.readBigUInt64BE(at + 8));
    return large >= 16 ? { type, body: at + 16, end: at + large } : null;
  }
  const end = size === 0 ? limit : at + size;
  return size === 0 || size >= 8 ? { type, body: at + 8, end } : null;
}

function* children(b: Buffer, from: number, to: number): Generator<Box> {
  const limit = Math.min(to, b.length);
  let at = from;
  for (let i = 0; i < 10_000; i++) {
    const box = boxAt(b, at, limit);
    if (!box) return;
    yield box;
    if (box.end <= at) return;
    at = box.end;
  }
}

const find = (b: Buffer, from: number, to: number, type: string): Box | undefined => {
  for (const box of children(b, from, to)) if (box.type === type) return box;
  return undefined;
};

/** The text of an ilst item: its `data` box is type indicator (4 bytes), locale (4 bytes), then the value. */
function itemText(b: Buffer, item: Box): string | undefined {
  const data = find(b, item.body, item.end, 'data');
  if (!data) return undefined;
  const text = b
    .toString('utf8', data.body + 8, Math.min(data.end, b.length))
    .replace(/\0+$/g, '')
    .trim();
  return text ? text.slice(0, 200) : undefined;
}

export function readMp4Tags(b: Buffer): Mp4Tags {
  const moov = find(b, 0, b.length, 'moov');
  const udta = moov && find(b, moov.body, moov.end, 'udta');
  const meta = udta && find(b, udta.body, udta.end, 'meta');
  // `meta` is a full box: version and flags (4 bytes) come before its children.
  const ilst = meta && find(b, meta.body + 4, meta.end, 'ilst');
  if (!ilst) return {};
  const tags: { title?: string; artist?: string } = {};
  for (const item of children(b, ilst.body, ilst.end)) {
    if (item.type === '\u00a9nam') tags.title = itemText(b, item);
    else if (item.type === '\u00a9ART') tags.artist = itemText(b, item);
  }
  return tags;
}

/** Where the `moov` box ends, when it starts within the head (0 otherwise): how much head the tags need. */
export function mp4MoovEnd(b: Buffer): number {
  for (const box of children(b, 0, Number.MAX_SAFE_INTEGER)) {
    if (box.type === 'moov') return box.end;
    if (box.type === 'mdat') return 0;
  }
  return 0;
}
