// What a finished tool call shows under its line: a status ("exit 1", "error") and the first lines of its
// result with "+N lines", or for file edits a coloured diff of what changed on disk.
import path from 'node:path';
import { cleanOutput, toolResultText } from '../../core/text.js';
import { isCommandDetails, type CommandDetails, type ToolResult } from '../../core/types.js';
import { diffView, readForDiff, type DiffView } from './diff-view.js';

export const OUTCOME_LINES = 3;
const EDIT_TOOLS = new Set(['write_file', 'edit_file']);

export interface ToolOutcome {
  ok: boolean;
  /** Short status after the name: "exit 0", "exit 1", "error", "+3 -1". */
  status: string;
  lines: string[];
  /** Lines of the result not shown. */
  more: number;
  diff?: DiffView;
}

/** The file an edit tool will change (absolute), or undefined for other tools. */
export function editTarget(name: string, input: unknown, root: string): string | undefined {
  const p = (input as { path?: unknown } | undefined)?.path;
  return EDIT_TOOLS.has(name) && typeof p === 'string' ? path.resolve(root, p) : undefined;
}

export function toolOutcome(name: string, result: ToolResult, before?: { file: string; text: string | undefined }): ToolOutcome {
  const text = cleanOutput(toolResultText(result.content));
  const all = text ? text.split('\n') : [];
  if (!result.isError && before?.text !== undefined) {
    const after = readForDiff(before.file);
    if (after !== undefined) {
      const diff = diffView(before.text, after);
      return { ok: true, status: `+${diff.added} -${diff.removed}`, lines: [], more: 0, diff };
    }
  }
  let status = result.isError ? 'error' : 'ok';
  let body = all;
  if (name === 'bash' && !result.isError) {
    status = isCommandDetails(result.details) ? statusOf(result.details) : bashStatus(all.at(-1) ?? '');
    if (status !== 'exit 0') body = all.slice(0, -1);
  }
  const shown = body.filter((l) => l.trim()).slice(0, OUTCOME_LINES);
  const ok = !result.isError && (status === 'ok' || status === 'exit 0' || status === 'moved to background');
  return { ok, status, lines: shown, more: Math.max(0, body.filter((l) => l.trim()).length - shown.length) };
}

/** A command's status from its typed details (results recorded before they existed are read from the text). */
function statusOf(d: CommandDetails): string {
  if (d.interrupted) return 'interrupted';
  if (d.backgroundedAs) return 'moved to background';
  if (d.timedOut) return 'timed out';
  if (d.signal) return `killed (${d.signal})`;
  return d.exitCode === null ? 'ended' : `exit ${d.exitCode}`;
}

/** bash ends a run that did not exit 0 with a line like "[exited with code 1]" or "[interrupted by the user: ...]". */
function bashStatus(last: string): string {
  if (!last.startsWith('[')) return 'exit 0';
  const code = /^\[exited with code (\d+)/.exec(last)?.[1];
  if (code !== undefined) return `exit ${code}`;
  if (last.includes('moved to the background')) return 'moved to background';
  if (last.startsWith('[interrupted')) return 'interrupted';
  if (last.startsWith('[killed')) return 'killed';
  if (last.startsWith('[timed out')) return 'timed out';
  if (last.startsWith('[was ended')) return 'ended by a signal';
  return 'exit 0';
}
