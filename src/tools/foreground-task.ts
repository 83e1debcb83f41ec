// What the tools that run a task in the foreground share: starting it (the task cap becomes a message for
// the model) and waiting for it while the person may move it to the background (Ctrl+B) or interrupt.
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
