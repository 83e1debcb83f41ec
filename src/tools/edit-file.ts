// edit_file: exact-text replacement in a workspace file that keeps its line endings, BOM and mode, writes
// atomically, and answers a miss with the closest region of the file.
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { countLines } from '../core/text.js';
import type { AgentTool } from '../core/types.js';
import { readFileNoFollow, writeFileAtomic } from '../workspace/atomic-write.js';
import { displayPath, resolveInWorkspace, type Workspace } from '../workspace/paths.js';
import { count, notFoundMessage } from './file-hints.js';
import { findNearMatch, sameIgnoringWhitespace, stripLineNumbers } from './near-match.js';
import type { FileIO } from './file-io.js';
import { defineTool, ToolError } from './tool.js';

const MAX_EDIT_BYTES = 64 * 1024 * 1024;
const BOM = '\uFEFF';
const SNIPPET_CONTEXT = 3;

const schema = z.object({
  path: z.string().describe('Relative to the workspace.'),
  old_text: z.string().min(1, 'must not be empty; to create or rewrite a whole file use write_file'),
  new_text: z.string(),
  replace_all: z.boolean().optional(),
});

const DESCRIPTION = `Replace exact text in a file; read it first. old_text must match exactly, whitespace included \
(without read_file's line numbers), and occur once unless replace_all: add surrounding lines to make it unique. \
Line endings and encoding are kept.`;

/** The edit_file tool, confined to `ws.root`. */
export function createEditFileTool(ws: Workspace, io: FileIO = {}): AgentTool {
  return defineTool({
    name: 'edit_file',
    description: DESCRIPTION,
    schema,
    summarize: ({ path }) => path,
    async execute({ path, old_text, new_text, replace_all = false }) {
      const abs = await resolveInWorkspace(ws, path, 'write');
      const name = (p: string): string => displayPath(ws, p);
      const shown = name(abs);
      if (old_text === new_text) {
        throw new ToolError('old_text and new_text are identical, so nothing would change; give the new text in new_text.');
      }
      const buffered = await io.readText?.(abs);
      const { text, bom } = buffered !== undefined ? { text: buffered, bom: false } : await readText(abs, shown, name);
      const eol = lineEnding(text);
      const attempts = [old_text, withEol(old_text, eol), withEol(old_text, eol === '\n' ? '\r\n' : '\n')];
      let needle = old_text;
      let at: number[] = [];
      for (const candidate of new Set(attempts)) {
        at = occurrences(text, candidate);
        needle = candidate;
        if (at.length) break;
      }
      if (!at.length) throw new ToolError(notFound(text, old_text, shown));
      if (at.length > 1 && !replace_all) {
        const lines = at.slice(0, 20).map((i) => lineAt(text, i)).join(', ');
        throw new ToolError(
          `old_text occurs ${at.length} times in ${shown} (at lines ${lines}${at.length > 20 ? ', ...' : ''}). ` +
          'Add surrounding lines to old_text so it matches exactly one place, or set replace_all to true.',
        );
      }
      const replacement = withEol(new_text, eol);
      if (replacement === needle) {
        throw new ToolError('old_text and new_text differ only in line endings, which edit_file keeps as the file has them; nothing would change.');
      }
      const updated = replaceAt(text, at, needle.length, replacement);
      if (!(await io.writeText?.(abs, (bom ? BOM : '') + updated))) await writeFileAtomic(abs, (bom ? BOM : '') + updated, shown);
      return report(updated, at, needle, replacement, shown);
    },
  });
}

async function readText(abs: string, shown: string, name: (p: string) => string): Promise<{ text: string; bom: boolean }> {
  const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
  if (!st) throw new ToolError(`${await notFoundMessage(abs, name)} To create a new file, use write_file.`);
  if (st.isDirectory()) throw new ToolError(`${shown} is a directory; edit_file edits one file at a time.`);
  if (!st.isFile()) throw new ToolError(`${shown} is not a regular file; edit_file edits text files only.`);
  if (st.size > MAX_EDIT_BYTES) {
    throw new ToolError(`${shown} is ${count(st.size, 'byte', 'bytes')}, too large for edit_file; use a shell command (e.g. sed) instead.`);
  }
  const buf = await readFileNoFollow(abs, shown);
  if (buf.subarray(0, 8192).includes(0)) {
    throw new ToolError(`${shown} looks binary (it contains NUL bytes); edit_file edits text files only.`);
  }
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const text = buf.toString('utf8', bom ? 3 : 0);
  if (text.includes('\uFFFD') && Buffer.byteLength(text) !== buf.length - (bom ? 3 : 0)) {
    throw new ToolError(`${shown} is not valid UTF-8; edit_file would corrupt it. Use a shell command instead.`);
  }
  return { text, bom };
}

/** CRLF when most line breaks in the file are CRLF. */
function lineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const all = text.split('\n').length - 1;
  return crlf > all - crlf ? '\r\n' : '\n';
}

function withEol(text: string, eol: '\n' | '\r\n'): string {
  const lf = text.replace(/\r\n/g, '\n');
  return eol === '\n' ? lf : lf.replace(/\n/g, '\r\n');
}

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

function replaceAt(text: string, at: number[], length: number, replacement: string): string {
  let out = '';
  let prev = 0;
  for (const i of at) {
    out += text.slice(prev, i) + replacement;
    prev = i + length;
  }
  return out + text.slice(prev);
}

/** 1-based line number of the character at `index`. */
function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function notFound(text: string, oldText: string, shown: string): string {
  const parts = [`old_text was not found in ${shown}.`];
  const unnumbered = stripLineNumbers(oldText);
  if (unnumbered !== undefined) {
    parts.push('old_text seems to include read_file\'s line-number prefixes ("    12<tab>"); leave them out.');
  }
  const match = findNearMatch(text, unnumbered ?? oldText);
  if (match) {
    const range = match.startLine === match.endLine ? `line ${match.startLine}` : `lines ${match.startLine}-${match.endLine}`;
    parts.push(`The most similar text is at ${range} (${Math.round(match.score * 100)}% similar):`);
    parts.push(numbered(match.lines, match.startLine, 30));
    if (sameIgnoringWhitespace(unnumbered ?? oldText, match)) {
      parts.push('It matches if whitespace is ignored: copy the indentation (tabs vs spaces) and spacing exactly.');
    }
    parts.push('Copy old_text exactly from the file (without line numbers) and call edit_file again.');
  } else {
    parts.push('Nothing similar was found; read_file the file again to see its current content.');
  }
  return parts.join('\n');
}

function report(updated: string, at: number[], needle: string, replacement: string, shown: string): string {
  const growth = replacement.length - needle.length;
  const starts = at.map((i, k) => i + k * growth); // positions in the updated text
  const first = lineAt(updated, starts[0]!);
  const last = first + Math.max(countLines(replacement), 1) - 1;
  const where = replacement === '' ? `text removed at line ${first}` : first === last ? `line ${first}` : `lines ${first}-${last}`;
  const head = at.length === 1
    ? `Edited ${shown}: replaced 1 occurrence (${where}).`
    : `Edited ${shown}: replaced ${at.length} occurrences (first at ${where}; all at lines ${starts.slice(0, 20).map((s) => lineAt(updated, s)).join(', ')}${at.length > 20 ? ', ...' : ''}).`;
  const lines = updated.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (updated.endsWith('\n')) lines.pop();
  const from = Math.max(1, first - SNIPPET_CONTEXT);
  const to = Math.min(lines.length, last + SNIPPET_CONTEXT);
  return `${head}\nLines ${from}-${to} now:\n${numbered(lines.slice(from - 1, to), from, 24)}`;
}

/** Lines numbered like read_file; long runs keep their head and tail, long lines are cut. */
function numbered(lines: string[], start: number, maxLines: number): string {
  const width = Math.max(6, String(start + lines.length - 1).length);
  const fmt = (line: string, k: number): string => {
    const text = line.length > 200 ? `${line.slice(0, 200)}… [${line.length} chars]` : line;
    return `${String(start + k).padStart(width)}\t${text}`;
  };
  if (lines.length <= maxLines) return lines.map(fmt).join('\n');
  const half = Math.floor(maxLines / 2);
  const tail = lines.length - half;
  return [
    ...lines.slice(0, half).map(fmt),
    `${' '.repeat(width)}\t... ${lines.length - 2 * half} lines not shown ...`,
    ...lines.slice(tail).map((l, k) => fmt(l, tail + k)),
  ].join('\n');
}
