// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target.
//
// The target is a real path the caller confined to the workspace, but a command running meanwhile may swap
// any folder on it for a symlink (a renameat2 exchange). Checking and then opening by path would follow that
// link out of the workspace, so on Linux every component is opened in turn without following links (each from
// the folder opened before, through /proc/self/fd), and the temp file, rename and mkdir all happen relative to
// the final folder's descriptor: a component that turned into a symlink fails the write instead.
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, lstat, mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../core/tool-error.js';

/** What a finished atomic write did. */
export interface AtomicWriteResult {
  /** True when no file existed at the target before. */
  created: boolean;
  bytes: number;
}

const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Writes `data` to the real path `target` so a reader (or a crash) sees either the old or the new file, never
 * half of one. Creates missing parent folders, keeps an existing file's permission bits, refuses to replace
 * a directory or a file the process may not write, and refuses when a folder on the way is (now) a symlink.
 * `shown` names the file in error messages.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  shown = target,
): Promise<AtomicWriteResult> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = await openFolder(path.dirname(target), shown, true);
  try {
    const at = (name: string) => (dir ? `/proc/self/fd/${dir.fd}/${name}` : path.join(path.dirname(target), name));
    const name = path.basename(target);
    const existing = await lstat(at(name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (existing?.isSymbolicLink() && dir) throw changedMidWrite(shown);
    if (existing?.isDirectory()) throw new ToolError(`${shown} is a directory; give a file path instead.`);
    if (existing && !existing.isFile() && !existing.isSymbolicLink()) throw new ToolError(`${shown} is not a regular file; refusing to replace it.`);
    if (existing) {
      await access(at(name), constants.W_OK).catch(() => {
        const mode = (existing.mode & 0o777).toString(8);
        throw new ToolError(`${shown} is not writable (mode ${mode}); it was left unchanged.`);
      });
    }
    const temp = `.${name}.tandem-${randomBytes(6).toString('hex')}.tmp`;
    // O_EXCL with O_CREAT never follows a symlink at the temp name.
    const handle = await open(at(temp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, existing ? existing.mode & 0o7777 : 0o666);
    try {
      await handle.writeFile(bytes);
      // The open mode is filtered by the umask; set an existing file's bits exactly.
      if (existing) await handle.chmod(existing.mode & 0o7777);
      await handle.sync();
      await handle.close();
      await rename(at(temp), at(name));
    } catch (err) {
      await handle.close().catch(() => {});
      await unlink(at(temp)).catch(() => {});
      throw err;
    }
    await (dir ? dir.sync().catch(() => {}) : syncDir(path.dirname(target)));
    return { created: !existing, bytes: bytes.length };
  } finally {
    await dir?.close().catch(() => {});
  }
}

/** Reads the real path `target` without following a link at any component (where the platform allows). */
export async function readFileNoFollow(target: string, shown = target): Promise<Buffer> {
  const dir = await openFolder(path.dirname(target), shown, false);
  if (!dir) return readFile(target);
  try {
    const handle = await open(`/proc/self/fd/${dir.fd}/${path.basename(target)}`, constants.O_RDONLY | constants.O_NOFOLLOW)
      .catch((err: NodeJS.ErrnoException) => { throw err.code === 'ELOOP' ? changedMidWrite(shown) : err; });
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } finally {
    await dir.close().catch(() => {});
  }
}

/**
 * Opens the real folder `abs` one component at a time, never following a symlink (making missing folders when
 * `create`). Undefined where /proc/self/fd is missing (not Linux): callers then use plain paths.
 */
async function openFolder(abs: string, shown: string, create: boolean): Promise<FileHandle | undefined> {
  if (!PROC_FD) {
    if (create) await mkdir(abs, { recursive: true });
    return undefined;
  }
  let dir = await open(path.parse(abs).root, DIR_FLAGS);
  try {
    for (const part of abs.split(path.sep).filter(Boolean)) {
      const next = `/proc/self/fd/${dir.fd}/${part}`;
      let opened: FileHandle;
      try {
        opened = await open(next, DIR_FLAGS);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && create) {
          await mkdir(next).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
          opened = await open(next, DIR_FLAGS).catch((e: NodeJS.ErrnoException) => { throw linkError(e, shown); });
        } else {
          throw linkError(err as NodeJS.ErrnoException, shown);
        }
      }
      await dir.close();
      dir = opened;
    }
    return dir;
  } catch (err) {
    await dir.close().catch(() => {});
    throw err;
  }
}

function linkError(err: NodeJS.ErrnoException, shown: string): Error {
  return err.code === 'ENOTDIR' || err.code === 'ELOOP' ? changedMidWrite(shown) : err;
}

function changedMidWrite(shown: string): ToolError {
  return new ToolError(`${shown}: a folder on its path is now a symlink (it changed after the path was checked); `
    + 'nothing was written. Check the path and try again.');
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
