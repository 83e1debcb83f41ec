// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../core/tool-error.js';

/** What a finished atomic write did. */
export interface AtomicWriteResult {
  /** True when no file existed at the target before. */
  created: boolean;
  bytes: number;
}

/**
 * Writes `data` to the real path `target` so a reader (or a crash) sees either the old or the new file, never
 * half of one. Creates missing parent folders, keeps an existing file's permission bits, refuses to replace
 * a directory or a file the process may not write. `shown` names the file in error messages.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  shown = target,
): Promise<AtomicWriteResult> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const existing = await stat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing?.isDirectory()) throw new ToolError(`${shown} is a directory; give a file path instead.`);
  if (existing && !existing.isFile()) throw new ToolError(`${shown} is not a regular file; refusing to replace it.`);
  if (existing) {
    await access(target, constants.W_OK).catch(() => {
      const mode = (existing.mode & 0o777).toString(8);
      throw new ToolError(`${shown} is not writable (mode ${mode}); it was left unchanged.`);
    });
  }
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.tandem-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
  try {
    await handle.writeFile(bytes);
    // The open mode is filtered by the umask; set an existing file's bits exactly.
    if (existing) await handle.chmod(existing.mode & 0o7777);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDir(dir);
  return { created: !existing, bytes: bytes.length };
}

/** Makes the rename itself durable; some filesystems refuse to fsync a folder, which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
