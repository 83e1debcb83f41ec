// Tab completion: slash command names at the start of the input, file paths (also after @) elsewhere.
// Completes the longest common prefix and returns the candidates when there are several.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { EditorState } from './editor.js';

export interface DirEntry { name: string; dir: boolean }

export interface CompletionContext {
  commands: string[];
  cwd: string;
  /** Lists a folder; injected by tests. */
  listDir?: (dir: string) => DirEntry[];
}

export interface Completion {
  editor: EditorState;
  /** Shown to the person when more than one name fits. */
  candidates: string[];
}

const MAX_CANDIDATES = 50;

export function complete(editor: EditorState, ctx: CompletionContext): Completion {
  const before = editor.text.slice(0, editor.cursor);
  if (/^\/\S*$/.test(before)) return replaceWord(editor, before, ctx.commands.filter((c) => c.startsWith(before)), ' ');
  const word = /\S*$/.exec(before)![0];
  const at = word.startsWith('@') ? '@' : '';
  const typed = word.slice(at.length);
  const slash = typed.lastIndexOf('/');
  const dirPart = typed.slice(0, slash + 1);
  const prefix = typed.slice(slash + 1);
  const expanded = dirPart.startsWith('~/') ? path.join(process.env.HOME ?? '~', dirPart.slice(2)) : dirPart;
  const dir = path.resolve(ctx.cwd, expanded || '.');
  const entries = (ctx.listDir ?? listDir)(dir)
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
    .sort((a, b) => a.name.localeCompare(b.name));
  const names = entries.map((e) => `${at}${dirPart}${e.name}${e.dir ? '/' : ''}`);
  const label = (m: string) => m.split('/').filter(Boolean).at(-1)! + (m.endsWith('/') ? '/' : '');
  return replaceWord(editor, word, names, entries.length === 1 && !entries[0]!.dir ? ' ' : '', label);
}

/** Replaces `word` (the text just before the cursor) with the single match, or with the common prefix. */
function replaceWord(
  editor: EditorState, word: string, matches: string[], suffix: string, label = (m: string) => m,
): Completion {
  if (!matches.length) return { editor, candidates: [] };
  const single = matches.length === 1;
  const replacement = single ? matches[0]! + suffix : commonPrefix(matches);
  const start = editor.cursor - word.length;
  const text = editor.text.slice(0, start) + replacement + editor.text.slice(editor.cursor);
  return {
    editor: { text, cursor: start + replacement.length },
    candidates: single ? [] : matches.slice(0, MAX_CANDIDATES).map(label),
  };
}

function commonPrefix(words: string[]): string {
  let prefix = words[0]!;
  for (const w of words) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i] === w[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

function listDir(dir: string): DirEntry[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).slice(0, 5000).map((d) => ({ name: d.name, dir: d.isDirectory() }));
  } catch {
    return [];
  }
}
