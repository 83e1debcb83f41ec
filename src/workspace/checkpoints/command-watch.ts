// What a command changed, where git can tell: `git status` before and after (with GIT_OPTIONAL_LOCKS=0, so git
// does not even refresh its index), the content of files already dirty kept beforehand, and a clean file's
// previous content read from the index. Outside a git repository commands' changes cannot be seen.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointStore } from './store.js';

const MAX_DIRTY = 500;
const MAX_DIRTY_BYTES = 20 * 1024 * 1024;

function git(cwd: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, {
      cwd, encoding, maxBuffer: 64 * 1024 * 1024, timeout: 10_000,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
    }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/**
 * False when git cannot find a repository from `cwd` (no `.git` there or above, no GIT_DIR): a few stats instead
 * of spawning git before every command outside a repository. Checked each call, so a `git init` is seen.
 */
export function mayBeInGit(cwd: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let d = path.resolve(cwd); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** Paths git reports as changed or untracked (relative to the repository top), each with whether it is
 *  untracked (`??`: not in the index), or undefined outside git. */
async function dirtyPaths(top: string): Promise<Map<string, boolean> | undefined> {
  const out = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  if (typeof out !== 'string') return undefined;
  return new Map(out.split('\0').filter(Boolean).map((entry) => [entry.slice(3), entry.startsWith('??')]));
}

export interface CommandWatch {
  /** Records every file the command changed, with its content before. */
  finish(): Promise<void>;
}

/** Call before a command runs in `cwd`; `finish()` after it ends. Resolves to undefined outside git. */
export async function watchCommand(cwd: string, store: CheckpointStore, by = 'bash'): Promise<CommandWatch | undefined> {
  if (!mayBeInGit(cwd)) return undefined;
  const top = (await git(cwd, ['rev-parse', '--show-toplevel']) as string | undefined)?.trim();
  if (!top) return undefined;
  const before = await dirtyPaths(top);
  if (!before || before.size > MAX_DIRTY) return undefined;
  const kept = new Map<string, Buffer | null>();
  let bytes = 0;
  for (const rel of before.keys()) {
    const content = await readFile(path.join(top, rel)).catch(() => null);
    bytes += content?.length ?? 0;
    if (bytes > MAX_DIRTY_BYTES) return undefined;
    kept.set(rel, content);
  }
  return {
    async finish() {
      const after = await dirtyPaths(top);
      if (!after) return;
      for (const rel of new Set([...before.keys(), ...after.keys()])) {
        const abs = path.join(top, rel);
        const now = await readFile(abs).catch(() => null);
        let previous: Buffer | null;
        if (kept.has(rel)) previous = kept.get(rel)!;
        else if (after.get(rel)) previous = null; // new and untracked: not in the index, no git call needed
        else {
          // Clean before: its content was the index's (absent there: a new untracked file).
          const blob = await git(top, ['cat-file', 'blob', `:${rel}`], 'buffer');
          previous = Buffer.isBuffer(blob) ? blob : null;
        }
        const same = previous === null ? now === null : now !== null && previous.equals(now);
        if (!same) await store.recordContent(abs, previous, by);
      }
    },
  };
}
