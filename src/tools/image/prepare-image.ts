// Image files as the model takes them: PNG, JPEG, GIF or WebP recognised by their bytes, made to fit the
// providers' limits (long edge at most 1568 px, as Anthropic advises; at most 3.75 MB so its base64 stays under
// 5 MB) by sharp, which is loaded only when an image must be resized.
import { open, readFile } from 'node:fs/promises';
import { ToolError } from '../../core/tool-error.js';
import type { ImageBlock, ImageMediaType } from '../../core/types.js';

export const MAX_EDGE_PX = 1568;
export const MAX_IMAGE_BYTES = 3_750_000;
/** Files larger than this are not read at all. */
const MAX_SOURCE_BYTES = 50 * 1024 * 1024;

export interface PreparedImage {
  block: ImageBlock;
  mediaType: ImageMediaType;
  /** Of the original, when known. */
  width?: number;
  height?: number;
  bytes: number;
  /** Set when the image was scaled or re-encoded to fit: its new size. */
  resized?: { width: number; height: number; bytes: number };
}

/** The image type of a file's first bytes, or undefined when it is not one of the four the models take. */
export function imageTypeOf(head: Uint8Array): ImageMediaType | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** The image type of the file at `abs`, from its first 16 bytes. */
export async function sniffImageFile(abs: string): Promise<ImageMediaType | undefined> {
  const handle = await open(abs, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return imageTypeOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp | undefined> | undefined;
function loadSharp(): Promise<Sharp | undefined> {
  sharpModule ??= import('sharp').then((m) => m.default, () => undefined);
  return sharpModule;
}

/** Reads and, when needed, shrinks an image file; `shown` names it in messages. */
export async function prepareImageFile(abs: string, shown: string, size: number): Promise<PreparedImage> {
  if (size > MAX_SOURCE_BYTES) throw new ToolError(`${shown} is an image of ${formatBytes(size)}; images over ${formatBytes(MAX_SOURCE_BYTES)} are not read.`);
  const data = await readFile(abs);
  const mediaType = imageTypeOf(data);
  if (!mediaType) throw new ToolError(`${shown} is not a PNG, JPEG, GIF or WebP image.`);
  return prepareImage(data, mediaType, shown);
}

export async function prepareImage(data: Buffer, mediaType: ImageMediaType, shown: string): Promise<PreparedImage> {
  const sharp = await loadSharp();
  if (!sharp) {
    if (data.length <= MAX_IMAGE_BYTES) return { block: blockOf(data, mediaType), mediaType, bytes: data.length };
    throw new ToolError(`${shown} (${formatBytes(data.length)}) is too large to send as it is, and the image library (sharp) could not be loaded to shrink it; reinstall tandem's dependencies.`);
  }
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(data, { animated: false }).metadata();
  } catch (err) {
    throw new ToolError(`${shown} looks like ${mediaType} but cannot be decoded (${(err as Error).message}).`);
  }
  const { width, height } = meta;
  const longEdge = Math.max(width ?? 0, height ?? 0);
  if (longEdge <= MAX_EDGE_PX && data.length <= MAX_IMAGE_BYTES) {
    return { block: blockOf(data, mediaType), mediaType, width, height, bytes: data.length };
  }
  // Scale down to the edge limit; then, if still too heavy, JPEG at falling quality (photos), never upscaling.
  let edge = Math.min(longEdge || MAX_EDGE_PX, MAX_EDGE_PX);
  for (let attempt = 0; attempt < 6; attempt++) {
    const pipeline = sharp(data, { animated: false }).rotate().resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true });
    const asJpeg = mediaType === 'image/jpeg' || attempt > 0;
    const out = asJpeg
      ? await pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: Math.max(50, 85 - attempt * 10) }).toBuffer({ resolveWithObject: true })
      : await (mediaType === 'image/webp' ? pipeline.webp({ quality: 85 }) : pipeline.png({ compressionLevel: 9 })).toBuffer({ resolveWithObject: true });
    if (out.data.length <= MAX_IMAGE_BYTES) {
      const type: ImageMediaType = asJpeg ? 'image/jpeg' : mediaType === 'image/webp' ? 'image/webp' : 'image/png';
      return {
        block: blockOf(out.data, type), mediaType, width, height, bytes: data.length,
        resized: { width: out.info.width, height: out.info.height, bytes: out.data.length },
      };
    }
    if (attempt > 0) edge = Math.round(edge * 0.75);
  }
  throw new ToolError(`${shown} could not be made small enough to send (${formatBytes(data.length)}).`);
}

function blockOf(data: Buffer, mediaType: ImageMediaType): ImageBlock {
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: data.toString('base64') } };
}

/** "PNG, 2400×1600, 1.2 MB; sent resized to 1568×1045 (310 KB)" */
export function describeImage(img: PreparedImage): string {
  const kind = img.mediaType.slice(6).toUpperCase();
  const dims = img.width && img.height ? `, ${img.width}×${img.height}` : '';
  const resized = img.resized ? `; sent resized to ${img.resized.width}×${img.resized.height} (${formatBytes(img.resized.bytes)})` : '';
  return `${kind}${dims}, ${formatBytes(img.bytes)}${resized}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
