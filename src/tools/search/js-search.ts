// The search engine when ripgrep is missing: the ignore-aware walk and re2js, line by line as ripgrep matches.
import { open, stat } from 'node:fs/promises';
import { compilePattern, MAX_SEARCH_FILE_BYTES, type GrepFile, type GrepLine, type GrepQuery, type SearchBackend } from './backend.js';
import { walkFiles } from './ignore-walk.js';

export function javascriptBackend(): SearchBackend {
  return {
    name: 'javascript',
    async *listFiles(dir, signal) {
      for await (const e of walkFiles(dir, signal)) yield e.rel;
    },
    async grep(dir, query, onFile, signal) {
      const re = await compilePattern(query.pattern, query.ignoreCase);
      let kept = 0;
      for await (const e of walkFiles(dir, signal)) {
        if (signal.aborted) return;
        if (!query.include(e.rel)) continue;
        const text = await readSearchable(e.abs);
        if (text === undefined) continue;
        const file = grepText(e.rel, text, (line) => re.test(line), query.context, query.keepLines - kept);
        if (file) {
          kept += file.lines.length;
          onFile(file);
        }
      }
    },
  };
}

/** The file's text, or undefined for files ripgrep skips: too large, unreadable or binary (a NUL byte). */
export async function readSearchable(abs: string): Promise<string | undefined> {
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isFile() || st.size > MAX_SEARCH_FILE_BYTES) return undefined;
  const handle = await open(abs, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buf = await handle.readFile();
    return buf.includes(0) ? undefined : buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The matching lines of `text` and `context` lines around them (keeping at most `keep` lines), or undefined
 * when no line matches. Lines split at `\n`, so a CR stays part of its line while matching, as in ripgrep.
 */
export function grepText(
  rel: string, text: string, test: (line: string) => boolean, context: number, keep: number,
): GrepFile | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const matched: number[] = [];
  for (let i = 0; i < lines.length; i++) if (test(lines[i]!)) matched.push(i);
  if (!matched.length) return undefined;
  const shown = new Map<number, boolean>();
  for (const i of matched) {
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) {
      if (!shown.has(j)) shown.set(j, false);
    }
    shown.set(i, true);
  }
  const out: GrepLine[] = [...shown.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, match]) => ({ n: i + 1, text: lines[i]!.replace(/\r$/, ''), match }));
  return { path: rel, matches: matched.length, lines: out.slice(0, Math.max(0, keep)) };
}

export type { GrepQuery };
