// What the tools that run a task in the foreground share: starting it (the task cap becomes a message for
// the model), showing its output as it comes, and waiting for it while the person may move it to the background
// (Ctrl+B) or interrupt.
import { StringDecoder } from 'node:string_decoder';
import { cleanOutput } from '../core/text.js';
import type { ToolContext } from '../core/types.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { TaskLimitError, type TaskSnapshot } from '../tasks/types.js';
import { ToolError } from './tool.js';

/**
 * Runs `start` (synchronous stays synchronous, so the caller listens before the task can be backgrounded); at the
 * task cap, a ToolError that tells the model how to make room.
 */
export function startTask<T extends TaskSnapshot | Promise<TaskSnapshot>>(start: () => T): T {
  try {
    const started = start();
    if (started instanceof Promise) return started.catch((err: unknown) => { throw toolErrorOf(err); }) as T;
    return started;
  } catch (err) {
    throw toolErrorOf(err);
  }
}

function toolErrorOf(err: unknown): unknown {
  return err instanceof TaskLimitError ? new ToolError(`${err.message} (kill_background ends one.)`) : err;
}

export interface ForegroundWait {
  movedByUser: boolean;
  interrupted: boolean;
  timedOut: boolean;
}

/** Waits up to `timeoutMs` for task `id` to end; stops early when the person backgrounds it or the call is aborted. */
export async function waitForeground(manager: TaskManager, id: string, ctx: ToolContext, timeoutMs: number): Promise<ForegroundWait> {
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  if (ctx.signal.aborted) waiting.abort();
  else ctx.signal.addEventListener('abort', stopWaiting, { once: true });
  let movedByUser = false;
  const onBackgrounded = (t: TaskSnapshot) => {
    if (t.id !== id) return;
    movedByUser = true;
    waiting.abort();
  };
  manager.on('backgrounded', onBackgrounded);
  try {
    const waited = await manager.wait([id], 'all', timeoutMs, waiting.signal);
    return { movedByUser, interrupted: !movedByUser && waited.interrupted, timedOut: waited.timedOut };
  } finally {
    manager.off('backgrounded', onBackgrounded);
    ctx.signal.removeEventListener('abort', stopWaiting);
  }
}

/** Sends complete, cleaned output lines to onProgress, at most every 100 ms and 20 lines at a time. */
export function streamLines(manager: TaskManager, id: string, onProgress: NonNullable<ToolContext['onProgress']>): () => void {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    if (lines.length) onProgress(lines.slice(-20).join('\n'));
    lines = [];
  };
  const onOutput = (taskId: string, chunk: Buffer): void => {
    if (taskId !== id) return;
    const parts = (partial + decoder.write(chunk)).split('\n');
    partial = (parts.pop() ?? '').slice(-4096);
    for (const p of parts) {
      const line = cleanOutput(p);
      if (line) lines.push(line);
    }
    if (lines.length > 20) lines = lines.slice(-20);
    timer ??= setTimeout(flush, 100);
  };
  manager.on('output', onOutput);
  return () => {
    manager.off('output', onOutput);
    clearTimeout(timer);
    if (partial) lines.push(cleanOutput(partial));
    flush();
  };
}
