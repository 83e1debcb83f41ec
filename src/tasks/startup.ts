// The early-failure check of a fresh task: it passes as soon as the command is clearly running (its own program,
// not one of the wrappers, has been alive a little while), fails the moment the task ends, and gives up waiting
// after a cap. A typo or a missing binary ends the task within milliseconds; `sleep 1` passes in ~50 ms.
import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { scanProcesses } from './process-table.js';

/** How long the command's program must live before it counts as running (a missing script fails sooner). */
export const SETTLE_MS = 40;
const POLL_MS = 8;
/** What runs around a command: the isolation wrappers and the shells that exec it. */
const WRAPPERS = new Set(['setpriv', 'unshare', 'bwrap', 'sh', 'dash', 'bash', 'zsh', 'ksh', 'mksh', 'busybox', 'perl']);

export interface StartupWatch {
  pid?: number;
  running: boolean;
  ended: Promise<void>;
}

/** Resolves when the task ended, its program has lived SETTLE_MS, or maxMs passed, whichever is first. */
export async function waitUntilRunning(task: StartupWatch, maxMs: number, shell?: string): Promise<void> {
  const deadline = performance.now() + maxMs;
  const wrappers = shell ? new Set([...WRAPPERS, basename(shell)]) : WRAPPERS;
  let ended = false;
  void task.ended.then(() => { ended = true; });
  let seenAt: number | undefined;
  while (!ended && task.running) {
    const now = performance.now();
    if (now >= deadline) return;
    if (task.pid !== undefined && seenAt === undefined && runsProgram(task.pid, wrappers)) seenAt = now;
    if (seenAt !== undefined && now - seenAt >= SETTLE_MS) return;
    const wait = Math.min(POLL_MS, deadline - now, seenAt !== undefined ? SETTLE_MS - (now - seenAt) : POLL_MS);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([task.ended, new Promise((resolve) => { timer = setTimeout(resolve, Math.max(1, wait)); })]);
    clearTimeout(timer);
  }
}

/** True when some process under `root` (or root itself) runs a program other than a wrapper or shell. */
function runsProgram(root: number, wrappers: Set<string>): boolean {
  if (process.platform !== 'linux') return false;
  const table = scanProcesses();
  const children = new Map<number, number[]>();
  for (const p of table.values()) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    let exe: string;
    try {
      exe = basename(readlinkSync(`/proc/${pid}/exe`));
    } catch {
      continue;
    }
    if (!wrappers.has(exe)) return true;
    queue.push(...(children.get(pid) ?? []));
  }
  return false;
}
