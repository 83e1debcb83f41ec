// Workspace confinement: every path a tool touches resolves, through symlinks, to a real path inside the
// workspace root (or, for reading only, inside one of its extra read roots); anything else is a PathError.
import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../core/tool-error.js';

/** The folders tools may touch. Contract: every path in it is absolute, real (symlink-free) and normalized. */
export interface Workspace {
  /** Real path of the working directory: readable and writable. */
  root: string;
  /** Extra real paths readable but not writable, e.g. tandem's task log folder. */
  readRoots: string[];
  /**
   * Extra real paths readable and writable: under --sandbox, `sandbox.extraWritable`, so the file tools obey the
   * same writable set as commands. Writes there still go through the permission rules (outside the workspace).
   */
  writeRoots?: string[];
  /** Real paths inside the write roots that no tool may touch: the sandbox's hidden credentials (denyRead). */
  hidden?: string[];
}

/** A path a tool may not touch; its message says why and what is allowed instead. */
export class PathError extends ToolError {
  override name = 'PathError';
}

/** Same limit as Linux's MAXSYMLINKS: more links than this on one path is treated as a loop. */
const MAX_SYMLINKS = 40;

/** Resolves `cwd` (must exist) and `readRoots` (may not exist yet) to real paths. */
export async function createWorkspace(cwd: string, readRoots: string[] = []): Promise<Workspace> {
  const root = await realpath(path.resolve(cwd));
  return { root, readRoots: await realRoots(root, readRoots) };
}

/** Real paths of `roots` (relative ones start at `root`; they may not exist yet), without those inside `root`. */
export async function realRoots(root: string, roots: string[]): Promise<string[]> {
  return (await realPaths(roots, root)).filter((r) => !isInside(root, r));
}

/** Real paths of `paths` (relative ones start at `from`; they may not exist yet), each once. */
export async function realPaths(paths: string[], from = '/'): Promise<string[]> {
  return [...new Set(await Promise.all(paths.map((p) => realTarget(path.resolve(from, p), p))))];
}

/**
 * Returns the absolute real path `p` designates (relative paths start at the root), following symlinks the way
 * the kernel does; a missing tail is appended to the real path of its deepest existing ancestor.
 * Throws PathError when the target lies outside the root (for 'read', outside the root and every read root).
 */
export async function resolveInWorkspace(ws: Workspace, p: string, access: 'read' | 'write'): Promise<string> {
  if (p.trim() === '') throw new PathError('Path is empty; give a file path relative to the workspace root.');
  if (p.includes('\0')) throw new PathError(`Path "${p.replace(/\0/g, '\\0')}" contains a NUL byte.`);
  if (p === '~' || p.startsWith('~/')) {
    throw new PathError(
      `Path "${p}" starts with "~", which is not expanded (it is not the home folder here); ` +
      `use a path relative to the workspace ${ws.root} or an absolute path inside it.`,
    );
  }
  // The walk gets the path unnormalized: ".." after a symlink must apply to the link's target, as in a shell.
  const real = await realTarget(path.isAbsolute(p) ? p : ws.root + path.sep + p, p);
  if (isInside(ws.root, real)) return real;
  if (ws.writeRoots?.some((r) => isInside(r, real))) {
    const hidden = ws.hidden?.find((h) => isInside(h, real));
    if (!hidden) return real;
    throw new PathError(`Path "${p}" is in ${hidden}, which the sandbox hides (sandbox.denyRead); tools may not touch it.`);
  }
  const readRoot = ws.readRoots.find((r) => isInside(r, real));
  if (readRoot && access === 'read') return real;
  if (readRoot) {
    throw new PathError(
      `Path "${p}" is in ${readRoot}, which is read-only; tools may only change files inside the workspace ${ws.root}.`,
    );
  }
  const extra = [...(access === 'read' ? ws.readRoots : []), ...(ws.writeRoots ?? [])];
  const allowed = extra.length ? ` (or ${access === 'read' ? 'read' : 'change'} files in ${extra.join(', ')})` : '';
  if (isInside(ws.root, path.resolve(ws.root, p))) {
    throw new PathError(
      `Path "${p}" resolves through a symlink to ${real}, outside the workspace ${ws.root}; ` +
      `tools may only touch files inside it${allowed}.`,
    );
  }
  throw new PathError(`Path "${p}" is outside the workspace ${ws.root}; tools may only touch files inside it${allowed}.`);
}

/** How tools name a resolved path to the model: relative to the root when inside it, absolute otherwise. */
export function displayPath(ws: Workspace, abs: string): string {
  if (abs === ws.root) return '.';
  return isInside(ws.root, abs) ? path.relative(ws.root, abs) : abs;
}

/** True when `target` is `dir` or below it; both must be absolute and normalized. */
export function isInside(dir: string, target: string): boolean {
  if (target === dir) return true;
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return target.startsWith(prefix);
}

/**
 * Walks `abs` one component at a time, following every symlink (dangling ones too) and applying ".." after
 * links are resolved, as the kernel does. Stops at the first missing component and appends the rest.
 */
async function realTarget(abs: string, shown: string): Promise<string> {
  let current = path.parse(abs).root;
  let pending = components(abs);
  let links = 0;
  while (pending.length) {
    const name = pending.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, name);
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return path.join(next, ...pending);
      throw err;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++links > MAX_SYMLINKS) {
      throw new PathError(
        `Path "${shown}" cannot be resolved: it goes through more than ${MAX_SYMLINKS} symlinks (a symlink loop?).`,
      );
    }
    const target = await readlink(next);
    if (path.isAbsolute(target)) current = path.parse(target).root;
    pending = [...components(target), ...pending];
  }
  return current;
}

function components(p: string): string[] {
  return p.split(path.sep).filter((c) => c !== '');
}
