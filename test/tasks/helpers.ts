// Shared support for task-engine tests: temp folders, managers that are always shut down, unique process
// markers and a /proc scan that finds survivors by them, and waiting for output by event.
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { TaskManager } from '../../src/tasks/task-manager.js';
import type { TaskManagerOptions } from '../../src/tasks/types.js';

/** A fresh temp folder (real path), removed after the test. */
export function tempRoot(prefix = 'tandem-tasks-'): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  roots.push(root);
  return root;
}

const managers: TaskManager[] = [];
const markers: string[] = [];
const roots: string[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
  // Anything a failed test left behind must not leak into the next one.
  for (const m of markers.splice(0)) for (const p of survivors(m)) killQuietly(p.pid);
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A manager in fresh temp folders, shut down after the test. */
export function makeManager(opts: Partial<TaskManagerOptions> = {}): TaskManager {
  const root = tempRoot();
  const manager = new TaskManager({
    cwd: root, logDir: join(root, 'logs'), registryDir: join(root, 'registry'), killGraceMs: 500, ...opts,
  });
  managers.push(manager);
  return manager;
}

let counter = 0;

/** A sleep duration no other process uses, e.g. "1000.4821930017": find its processes by cmdline. */
export function marker(): string {
  const m = `1000.${process.pid}${String(++counter).padStart(3, '0')}${Math.floor(Math.random() * 1e4)}`;
  markers.push(m);
  return m;
}

/** Live processes whose command line contains the marker (zombies have none, so they do not count). */
export function survivors(mark: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmdline.includes(mark) && !isZombie(Number(name))) found.push({ pid: Number(name), cmdline });
    } catch {
      // gone
    }
  }
  return found;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return true;
  }
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Resolves when the task's output contains `text` (checked on every output event, no polling). */
export function outputContains(manager: TaskManager, id: string, text: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => manager.readAll(id, { maxChars: 1_000_000 }).includes(text);
    if (check()) return resolve();
    const timer = setTimeout(() => {
      manager.off('output', onOutput);
      manager.off('end', onOutput);
      reject(new Error(`no "${text}" in the output of ${id}: ${manager.readAll(id)}`));
    }, timeoutMs);
    const onOutput = (): void => {
      if (!check()) return;
      clearTimeout(timer);
      manager.off('output', onOutput);
      manager.off('end', onOutput);
      resolve();
    };
    manager.on('output', onOutput);
    manager.on('end', onOutput);
  });
}

/**
 * Polls until `fn` is true: only for what has no event, such as a process that is not our child dying
 * after a grace period. The deadline is a safety net, not the thing measured.
 */
export async function eventually(fn: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
