// What grep, glob and ls ask of a search engine, and the choice between ripgrep (fast, when installed) and the
// JavaScript walk (always there). Both give the same files in the same order and the same matching lines.
import type { RE2JS } from 're2js';
import { ToolError } from '../../core/tool-error.js';

/** One line of a file shown in grep's output: a match, or context around one. */
export interface GrepLine { n: number; text: string; match: boolean }

/** Every match in one file: `matches` counts matching lines; `lines` holds the ones kept for display. */
export interface GrepFile { path: string; matches: number; lines: GrepLine[] }

export interface GrepQuery {
  /** A regular expression in RE2 syntax (ripgrep's and re2js's common ground). */
  pattern: string;
  ignoreCase: boolean;
  /** Lines of context around each match. */
  context: number;
  /** Keeps a file (by its path relative to the search folder) or leaves it out. */
  include: (rel: string) => boolean;
  /** Stop keeping lines once this many are kept in all (counting goes on). */
  keepLines: number;
}

export interface SearchBackend {
  readonly name: 'ripgrep' | 'javascript';
  /** Files under `dir` the ignore rules keep, as paths relative to it with `/`, in path order. */
  listFiles(dir: string, signal: AbortSignal): AsyncIterable<string>;
  /** Calls `onFile` for each file under `dir` with at least one matching line, in path order. */
  grep(dir: string, query: GrepQuery, onFile: (file: GrepFile) => void, signal: AbortSignal): Promise<void>;
}

/** Files larger than this are not searched (ripgrep: --max-filesize 10M). */
export const MAX_SEARCH_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Compiles a model-given pattern in linear-time RE2 (re2js, loaded on first use: 170 KB that `tandem -p` need
 * not parse when the model never searches); a bad pattern is a ToolError saying what is wrong.
 */
export async function compilePattern(pattern: string, ignoreCase: boolean): Promise<RE2JS> {
  const { RE2JS } = await import('re2js');
  try {
    return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new ToolError(
      `The pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message}). ` +
      'Patterns use RE2 syntax (no look-around or backreferences); escape special characters such as ( [ { . * + ? with a backslash to match them literally.',
    );
  }
}

let detected: Promise<SearchBackend> | undefined;

/**
 * ripgrep when an `rg` that answers --version is on PATH, else the JavaScript walk; asked once per process.
 * TANDEM_RIPGREP=0 forces the JavaScript walk; TANDEM_RIPGREP=/path/to/rg names the binary.
 */
export function defaultSearchBackend(): Promise<SearchBackend> {
  detected ??= (async () => {
    const choice = process.env.TANDEM_RIPGREP;
    if (choice !== '0') {
      const { findRipgrep, ripgrepBackend } = await import('./ripgrep.js');
      const rg = await findRipgrep(choice || 'rg');
      if (rg) return ripgrepBackend(rg);
    }
    const { javascriptBackend } = await import('./js-search.js');
    return javascriptBackend();
  })();
  return detected;
}
