// The JavaScript file walk behind grep, glob and ls when ripgrep is not installed. It gives the files ripgrep
// lists with the flags in ripgrep.ts: hidden files included, `.git` skipped, `.gitignore` files (the search
// folder's, its subfolders' and its ancestors') and `.git/info/exclude` applied, in or outside a git repository;
// children visited in byte order of their names, as `rg --sort path` does.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The rules of one folder's ignore files; paths are tested relative to `dir`. */
interface IgnoreLayer { dir: string; rules: Ignore }

export interface WalkEntry {
  /** Path relative to the walk's start, with `/` separators. */
  rel: string;
  abs: string;
  dir: boolean;
  /** A symbolic link (never followed) or a FIFO, socket or device: listed by ls, never searched. */
  special: boolean;
}

/** Whether a path is excluded by the layers, the deepest layer that has an opinion deciding. */
function ignoredBy(layers: IgnoreLayer[], abs: string, dir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    const rel = path.relative(layer.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const r = layer.rules.test(dir ? `${rel}/` : rel);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

async function layerOf(dir: string): Promise<IgnoreLayer | undefined> {
  const texts = await Promise.all([
    readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => ''),
    readFile(path.join(dir, '.git', 'info', 'exclude'), 'utf8').catch(() => ''),
  ]);
  const text = texts.filter(Boolean).join('\n');
  return text.trim() ? { dir, rules: ignore({ allowRelativePaths: true }).add(text.split(/\r?\n/)) } : undefined;
}

/** The ignore layers of `dir`'s ancestors, outermost first (ripgrep reads parents' ignore files too). */
async function ancestorLayers(dir: string): Promise<IgnoreLayer[]> {
  const dirs: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    dirs.unshift(d);
    if (path.dirname(d) === d) break;
  }
  const layers = await Promise.all(dirs.map(layerOf));
  return layers.filter((l): l is IgnoreLayer => l !== undefined);
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface WalkOptions {
  /** How deep to go below `start` (1: its own entries only). Default: no limit. */
  maxDepth?: number;
  signal?: AbortSignal;
  /** Told of each entry the ignore rules hid (not of `.git`). */
  onIgnored?: (entry: WalkEntry) => void;
}

/**
 * Every entry under `start` (an absolute, real folder) that the ignore rules keep, depth first, folders before
 * their contents. Symlinks are listed but never followed (ripgrep skips them by default); unreadable folders are skipped.
 */
export async function* walk(start: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const base = await ancestorLayers(start);
  const own = await layerOf(start);
  yield* walkDir(start, '', own ? [...base, own] : base, 1, opts);
}

async function* walkDir(
  dir: string, relDir: string, layers: IgnoreLayer[], depth: number, opts: WalkOptions,
): AsyncGenerator<WalkEntry> {
  if (opts.signal?.aborted) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => byName(a.name, b.name));
  for (const e of entries) {
    if (e.name === '.git') continue;
    const abs = path.join(dir, e.name);
    const rel = relDir ? `${relDir}/${e.name}` : e.name;
    const isDir = e.isDirectory();
    const entry = { rel, abs, dir: isDir, special: !isDir && !e.isFile() };
    if (ignoredBy(layers, abs, isDir)) {
      opts.onIgnored?.(entry);
      continue;
    }
    yield entry;
    if (isDir && (opts.maxDepth === undefined || depth < opts.maxDepth)) {
      const own = await layerOf(abs);
      yield* walkDir(abs, rel, own ? [...layers, own] : layers, depth + 1, opts);
    }
  }
}

/** Files only (what `rg --files` lists). */
export async function* walkFiles(start: string, signal?: AbortSignal): AsyncGenerator<WalkEntry> {
  for await (const e of walk(start, { signal })) if (!e.dir && !e.special) yield e;
}
