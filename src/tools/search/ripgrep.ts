// The search engine when ripgrep is installed. The flags make it see the files the JavaScript walk sees:
// hidden files too, `.git` never, `.gitignore` (and .git/info/exclude) in or outside a repository, no `.ignore`
// files and no global excludes, children in path order.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { compilePattern, type GrepFile, type SearchBackend } from './backend.js';

const COMMON = [
  '--no-config', '--hidden', '--no-require-git', '--no-ignore-dot', '--no-ignore-global',
  '--glob', '!.git', '--sort', 'path',
];

/** The rg binary's path when it runs, else undefined. */
export async function findRipgrep(bin = 'rg'): Promise<string | undefined> {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0 ? bin : undefined;
}

export function ripgrepBackend(rg: string): SearchBackend {
  return {
    name: 'ripgrep',
    async *listFiles(dir, signal) {
      for await (const line of lines(rg, ['--files', '--null', ...COMMON], dir, signal, '\0')) yield line;
    },
    async grep(dir, query, onFile, signal) {
      await compilePattern(query.pattern, query.ignoreCase); // the same error for a bad pattern as without ripgrep
      const args = ['--json', '--max-filesize', '10M', ...COMMON];
      if (query.ignoreCase) args.push('--ignore-case');
      if (query.context) args.push('--context', String(query.context));
      args.push('--regexp', query.pattern);
      let file: GrepFile | undefined;
      let kept = 0;
      for await (const line of lines(rg, args, dir, signal, '\n')) {
        const event = JSON.parse(line) as RgEvent;
        if (event.type === 'begin') {
          const rel = textOf(event.data.path);
          file = query.include(rel) ? { path: rel, matches: 0, lines: [] } : undefined;
        } else if ((event.type === 'match' || event.type === 'context') && file) {
          const match = event.type === 'match';
          if (match) file.matches++;
          if (kept < query.keepLines) {
            file.lines.push({ n: event.data.line_number, text: textOf(event.data.lines).replace(/\r?\n$/, '').replace(/\r$/, ''), match });
            kept++;
          }
        } else if (event.type === 'end' && file) {
          if (file.matches) onFile(file);
          file = undefined;
        }
      }
    },
  };
}

type RgText = { text: string } | { bytes: string };
type RgEvent =
  | { type: 'begin' | 'end'; data: { path: RgText } }
  | { type: 'match' | 'context'; data: { path: RgText; lines: RgText; line_number: number } }
  | { type: 'summary'; data: unknown };

function textOf(t: RgText): string {
  return 'text' in t ? t.text : Buffer.from(t.bytes, 'base64').toString('utf8');
}

/** Runs rg in `cwd` and yields its output split at `sep`; exit 1 (nothing found) is not an error. */
async function* lines(rg: string, args: string[], cwd: string, signal: AbortSignal, sep: string): AsyncGenerator<string> {
  const child = spawn(rg, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal });
  child.on('error', () => {}); // reported through the exit below (abort, spawn failure)
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4000) stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  if (sep === '\n') {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) if (line) yield line;
  } else {
    let rest = '';
    for await (const chunk of child.stdout.setEncoding('utf8')) {
      const parts = (rest + chunk).split(sep);
      rest = parts.pop() ?? '';
      for (const p of parts) if (p) yield p;
    }
    if (rest) yield rest;
  }
  const code = await exited;
  if (signal.aborted) return;
  if (code !== 0 && code !== 1 && !stderr.trim().split('\n').every(isSkippedPathMessage)) {
    throw new Error(`ripgrep failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}

/** ripgrep exits 2 when some path could not be read; that skips the path, like the JavaScript walk does. */
function isSkippedPathMessage(line: string): boolean {
  return line === '' || /: (Permission denied|No such file or directory)|os error/.test(line);
}
