// Messages for file tools that hit something other than a text file: a missing path (with "did you mean"),
// a directory (with a listing), a binary file (with a type guess).
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { closestNames } from './similarity.js';

/**
 * "File not found: src/utls.ts. Did you mean src/utils.ts?" Suggestions come from the deepest existing folder;
 * `name` turns an absolute path into the form the model sees.
 */
export async function notFoundMessage(abs: string, name: (abs: string) => string): Promise<string> {
  let missing = abs;
  let dir = path.dirname(abs);
  let entries = await readdir(dir).catch(() => undefined);
  while (entries === undefined && dir !== path.dirname(dir)) {
    missing = dir;
    dir = path.dirname(dir);
    entries = await readdir(dir).catch(() => undefined);
  }
  let text = `File not found: ${name(abs)}.`;
  if (missing !== abs) text += ` (Folder ${name(missing)} does not exist.)`;
  const close = closestNames(path.basename(missing), entries ?? []);
  const rest = path.relative(missing, abs);
  if (close.length) text += ` Did you mean ${close.map((c) => name(path.join(dir, c, rest))).join(' or ')}?`;
  return text;
}

const MAX_LISTED = 50;

/** "src is a directory, not a file; it has 3 entries:" and up to 50 names, folders marked with "/". */
export async function describeDirectory(abs: string, shown: string): Promise<string> {
  const entries = await readdir(abs, { withFileTypes: true });
  const names = entries
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort((a, b) => a.localeCompare(b));
  if (!names.length) return `${shown} is an empty directory, not a file.`;
  const head = `${shown} is a directory, not a file; it has ${count(names.length, 'entry', 'entries')}:`;
  const listed = names.slice(0, MAX_LISTED).map((n) => `  ${n}`);
  if (names.length > MAX_LISTED) {
    listed.push(`  ... and ${names.length - MAX_LISTED} more (list them with a shell command such as ls)`);
  }
  return `${head}\n${listed.join('\n')}\nCall read_file with the path of a file inside it.`;
}

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  bmp: 'image/bmp', ico: 'image/x-icon', tif: 'image/tiff', tiff: 'image/tiff', pdf: 'application/pdf',
  zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip', tar: 'application/x-tar',
  xz: 'application/x-xz', bz2: 'application/x-bzip2', '7z': 'application/x-7z-compressed',
  jar: 'application/java-archive', class: 'application/java-vm', wasm: 'application/wasm',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf', mp3: 'audio/mpeg',
  wav: 'audio/wav', ogg: 'audio/ogg', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime',
  sqlite: 'application/vnd.sqlite3', db: 'application/vnd.sqlite3', so: 'application/x-sharedlib',
  o: 'application/x-object', exe: 'application/x-msdownload', dll: 'application/x-msdownload',
};

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'], [[0xff, 0xd8, 0xff], 'image/jpeg'], [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46], 'application/pdf'], [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x1f, 0x8b], 'application/gzip'], [[0x7f, 0x45, 0x4c, 0x46], 'application/x-executable'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
];

const SNIFF_BYTES = 8192;

/**
 * Returns a refusal message when the file is binary (a NUL byte in its first 8 KiB, or a well-known binary
 * signature), otherwise undefined.
 */
export async function binaryMessage(abs: string, shown: string, size: number): Promise<string | undefined> {
  const handle = await open(abs, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const magic = MAGIC.find(([sig]) => sig.every((b, i) => head[i] === b))?.[1];
  if (!magic && !head.includes(0)) return undefined;
  const mime = MIME_BY_EXT[path.extname(abs).slice(1).toLowerCase()] ?? magic;
  const what = [mime && `${mime}?`, `${size.toLocaleString('en-US')} bytes`].filter(Boolean).join(', ');
  return `"${shown}" is a binary file (${what}); read_file shows text only. ` +
    'Inspect it with a shell command (file, xxd | head) if you need to.';
}

/** "1 line", "12,345 bytes". */
export function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
