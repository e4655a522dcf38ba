import { crc32, deflateSync } from 'node:zlib';

/** An indexed-colour image: `pixels[y * width + x]` is an index into `palette` (RGB triples, ≤ 256). */
export interface IndexedImage {
  readonly width: number;
  readonly height: number;
  readonly palette: readonly (readonly [number, number, number])[];
  readonly pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encodes a palette PNG (colour type 3, 8 bits per pixel, no interlace), the smallest PNG flavour for a
 * chart of a few flat colours: a 240×64 chart is well under 1 KiB. Pure apart from node:zlib (deflate and
 * the chunk CRC); no canvas, no browser.
 */
export function encodePng(image: IndexedImage): Buffer {
  const { width, height, palette, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError('bad PNG size');
  if (pixels.length !== width * height) throw new RangeError('pixel count does not match the size');
  if (palette.length < 1 || palette.length > 256) throw new RangeError('a palette has 1-256 colours');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // bit depth 8, colour type 3 (palette), deflate, adaptive filter, no interlace
  const plte = Buffer.from(palette.flat());
  // Every scanline starts with its filter type; 0 (none) is best for flat colours.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0, 0);
  return Buffer.concat([length, typed, crc]);
}
