// Edits shown as coloured diffs: the file as it was before write_file/edit_file ran, against what is on disk
// after, as unified hunks with line numbers, bounded for the screen.
import { readFileSync, statSync } from 'node:fs';
import { structuredPatch } from 'diff';
import { paint } from './theme.js';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
export const MAX_DIFF_LINES = 40;

/** The text of a file for diffing: '' when it does not exist, undefined when it cannot be used (too big, binary). */
export function readForDiff(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return undefined;
    const text = readFileSync(file, 'utf8');
    return text.includes('\0') ? undefined : text;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? '' : undefined;
  }
}

export interface DiffView {
  lines: string[];
  added: number;
  removed: number;
  /** Lines of the diff left out to stay within the bound. */
  hidden: number;
}

/** Coloured hunk lines ("  12 + new text"), at most `maxLines`. */
export function diffView(before: string, after: string, maxLines = MAX_DIFF_LINES): DiffView {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 2 });
  const all: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    if (all.length) all.push(paint.dim('   ⋮'));
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const l of hunk.lines) {
      const mark = l[0];
      const text = l.slice(1);
      if (mark === '\\') continue;
      if (mark === '+') {
        added++;
        all.push(paint.added(`${String(newLine++).padStart(5)} + ${text}`));
      } else if (mark === '-') {
        removed++;
        all.push(paint.removed(`${String(oldLine++).padStart(5)} - ${text}`));
      } else {
        all.push(paint.dim(`${String(newLine).padStart(5)}   ${text}`));
        oldLine++;
        newLine++;
      }
    }
  }
  return { lines: all.slice(0, maxLines), added, removed, hidden: Math.max(0, all.length - maxLines) };
}

/** The same view for a unified diff text (as permission requests carry), coloured line by line. */
export function colorUnifiedDiff(diff: string, maxLines = MAX_DIFF_LINES): { lines: string[]; hidden: number } {
  const body = diff.split('\n').filter((l) => !/^(Index:|={3,}|-{3} |\+{3} )/.test(l));
  while (body.length && !body.at(-1)) body.pop();
  const lines = body.slice(0, maxLines).map((l) => {
    if (l.startsWith('+')) return paint.added(l);
    if (l.startsWith('-')) return paint.removed(l);
    if (l.startsWith('@@')) return paint.hunk(l);
    return paint.dim(l);
  });
  return { lines, hidden: Math.max(0, body.length - maxLines) };
}
