// /rewind and /undo: put files (and the conversation) back to before a prompt, or revert the last change,
// from the session's checkpoints (src/workspace/checkpoints).
import { oneLine } from '../core/text.js';
import type { Runtime } from '../session/runtime.js';
import type { Restored } from '../workspace/checkpoints/index.js';
import { displayPath } from '../workspace/paths.js';

const WHAT = ['both', 'files', 'conversation'] as const;
type What = (typeof WHAT)[number];

export async function undoCommand(rt: Runtime): Promise<string> {
  const last = rt.checkpoints.changes.at(-1);
  if (!last) return 'Nothing to undo: tandem has changed no file in this session.';
  const restored = await rt.checkpoints.undo();
  return `Undid the last change (${last.by}): ${describe(rt, restored!)}.`;
}

/** `/rewind` lists the prompts; `/rewind N [files|conversation|both]` goes back to before prompt N. */
export async function rewindCommand(rt: Runtime, args: string[]): Promise<string> {
  const cp = rt.checkpoints;
  const prompts = cp.prompts;
  if (!args.length) {
    if (!prompts.length) return 'No prompts yet in this session.';
    const lines = prompts.map((p) => {
      const files = cp.filesSince(p.n).length;
      const changed = files ? ` · ${files} file${files === 1 ? '' : 's'} changed since` : '';
      return `  ${String(p.n).padStart(3)}  ${oneLine(p.text, 60)}${changed}`;
    });
    return ['Prompts of this session:', ...lines, '/rewind N puts files and conversation back to before prompt N; /rewind N files or /rewind N conversation does only one.'].join('\n');
  }
  const n = Number(args[0]);
  const what = (args[1] ?? 'both') as What;
  const mark = prompts.find((p) => p.n === n);
  if (!Number.isInteger(n) || !mark) return `No prompt ${args[0]}: /rewind lists them (1 to ${prompts.length}).`;
  if (!WHAT.includes(what)) return `/rewind ${n} takes files, conversation or both, not "${args[1]}".`;
  const out: string[] = [];
  if (what !== 'conversation') {
    const restored = await cp.rewindFiles(n);
    out.push(restored.length ? `Files as before prompt ${n}: ${restored.map((r) => describe(rt, r)).join(', ')}.` : `No file changed since prompt ${n}.`);
  }
  if (what !== 'files') {
    const messages = rt.messages;
    messages.length = Math.min(messages.length, mark.messages);
    if (mark.blocks >= 0 && messages.length === mark.messages) messages.at(-1)!.content.length = mark.blocks;
    cp.dropPrompts(n);
    rt.compactor.noteUsage(undefined);
    rt.session.recorder.sync();
    out.push(`Conversation as before prompt ${n} ("${oneLine(mark.text, 50)}").`);
  }
  return out.join('\n');
}

function describe(rt: Runtime, r: Restored): string {
  return `${displayPath(rt.workspace, r.path)} ${r.action}`;
}
