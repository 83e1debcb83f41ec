// What grep, glob and ls share: the folder or file a call searches, glob filters, and the search engine.
import { stat } from 'node:fs/promises';
import picomatch from 'picomatch';
import { ToolError } from '../../core/tool-error.js';
import { displayPath, resolveInWorkspace, type Workspace } from '../../workspace/paths.js';
import { notFoundMessage } from '../file-hints.js';
import { defaultSearchBackend, type SearchBackend } from './backend.js';

export interface SearchToolOptions {
  /** The engine to use; default: ripgrep when installed, else the JavaScript walk. */
  backend?: SearchBackend | (() => Promise<SearchBackend>);
}

export function backendOf(opts: SearchToolOptions): () => Promise<SearchBackend> {
  const b = opts.backend;
  if (!b) return defaultSearchBackend;
  return typeof b === 'function' ? b : () => Promise.resolve(b);
}

export interface Scope {
  abs: string;
  /** How the model names it ('.' for the root). */
  shown: string;
  isFile: boolean;
  /** A path relative to the scope as the model names it (relative to the workspace root). */
  name(rel: string): string;
}

/** Resolves a tool's `path` input (default: the workspace root) to an existing file or folder. */
export async function resolveScope(ws: Workspace, p: string | undefined): Promise<Scope> {
  const abs = await resolveInWorkspace(ws, p ?? '.', 'read');
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new ToolError(await notFoundMessage(abs, (a) => displayPath(ws, a)));
  const shown = displayPath(ws, abs);
  const prefix = shown === '.' ? '' : `${shown}/`;
  return { abs, shown, isFile: st.isFile(), name: (rel) => prefix + rel };
}

/**
 * A glob filter on paths relative to the searched folder: `*.ts` (no slash) matches the name in any folder,
 * `src/**\/*.ts` the path from the folder; dot files match too. `{a,b}` alternatives work.
 */
export function globFilter(glob: string | undefined): (rel: string) => boolean {
  if (!glob?.trim()) return () => true;
  const pattern = glob.trim().replace(/^\.\//, '');
  const opts = { dot: true, basename: !pattern.includes('/') };
  try {
    return picomatch(pattern, opts);
  } catch (err) {
    throw new ToolError(`The glob ${JSON.stringify(glob)} is not valid (${(err as Error).message}).`);
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Long lines are cut so one minified file cannot fill the output. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length.toLocaleString('en-US')} chars]` : text;
}
