// cgroups v2 for the process-group fallback: each task runs in a cgroup of its own, which no setsid, double fork
// or `env -i` can leave, so every process of the task is found (cgroup.procs) and killed (cgroup.kill).
// Layout: <tandem's own cgroup>/tandem-<pid>-<start>/<task id>. A cgroup left by a tandem that died (SIGKILL)
// is swept by the next one: its processes are killed and the folders removed. Persistent tasks never get one
// (they must outlive tandem, and a sweep would kill them).
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processStartTime, readProc, type ProcInfo } from './process-table.js';

export interface CgroupRoot {
  /** Where tandem's own cgroup is, in the cgroup2 mount (e.g. /sys/fs/cgroup/unified). */
  base: string;
  /** This tandem process's parent cgroup (made on first use). */
  parent: string;
}

let located: string | null | undefined;
let probed: CgroupRoot | null | undefined;

/**
 * Where tandem's own cgroup is in the cgroup2 mount (`0::PATH` in /proc/self/cgroup), or undefined; reads only,
 * so the start-up sweep costs two small reads. TANDEM_CGROUP=0 turns cgroups off.
 */
function cgroupBase(): string | undefined {
  if (located !== undefined) return located ?? undefined;
  located = null;
  if (process.platform !== 'linux' || process.env.TANDEM_CGROUP === '0') return undefined;
  try {
    const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((line) => line.split(' ')).find((f) => f[f.indexOf('-') + 1] === 'cgroup2')?.[4];
    const own = /^0::(\/.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
    if (mount && own) located = join(mount, own);
  } catch {
    // no /proc here
  }
  return located ?? undefined;
}

/**
 * The cgroup v2 tandem can use for its tasks, or undefined: a base (above) where a child cgroup can be made
 * (delegated, or root). Probed once, when the process-group fallback first needs it; makes the parent.
 */
export function cgroupRoot(): CgroupRoot | undefined {
  if (probed !== undefined) return probed ?? undefined;
  probed = null;
  const base = cgroupBase();
  if (!base) return undefined;
  const parent = join(base, `tandem-${process.pid}-${processStartTime(process.pid) ?? 0}`);
  try {
    mkdirSync(parent, { recursive: true });
    probed = { base, parent };
  } catch {
    // not writable here (not delegated, read-only mount): the process-group fallback works as before
  }
  return probed ?? undefined;
}

/** One task's cgroup. */
export class TaskCgroup {
  constructor(readonly dir: string) {}

  /** Makes `<parent>/<taskId>`; undefined if cgroups cannot be used (or it cannot be made). */
  static create(taskId: string): TaskCgroup | undefined {
    const root = cgroupRoot();
    if (!root) return undefined;
    const dir = join(root.parent, taskId);
    try {
      mkdirSync(root.parent, { recursive: true });
      mkdirSync(dir);
    } catch {
      return undefined;
    }
    return new TaskCgroup(dir);
  }

  get procsFile(): string {
    return join(this.dir, 'cgroup.procs');
  }

  pids(): number[] {
    return readPids(this.dir);
  }

  /** Its live processes, as the process table sees them (with start times, so no reused pid is signalled). */
  members(): ProcInfo[] {
    return this.pids().map((pid) => readProc(pid)).filter((p): p is ProcInfo => !!p);
  }

  /** SIGKILL to everything in it, at once (cgroup.kill) or pid by pid; synchronous. */
  kill(): void {
    killCgroup(this.dir);
  }

  /** Removes the cgroup if it is empty; true if it is gone. */
  remove(): boolean {
    return removeCgroup(this.dir);
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killCgroup(dir: string): void {
  try {
    // Linux >= 5.14: the kernel kills every process in it, including ones forking right now.
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    return;
  } catch {
    // older kernel: pid by pid, until a read finds none (a fork may race one round)
  }
  for (let round = 0; round < 20; round++) {
    const pids = readPids(dir);
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

function removeCgroup(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** True once nothing runs in the cgroup (cgroup.events says `populated 0`, or it is gone). */
export function cgroupEmpty(dir: string): boolean {
  try {
    return /^populated 0$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
  } catch {
    return true;
  }
}

/** Removes this tandem's parent cgroup if no task cgroup is left in it (a later task makes it again). */
export function removeOwnCgroup(): void {
  if (probed) removeCgroup(probed.parent);
}

/**
 * The cgroups of tandem processes that are gone (a SIGKILL gave them no time to clean up): kills everything in
 * them and removes them. Returns one line per task cgroup that still held processes. Waits (polls, bounded) for
 * the kernel to empty each before removing it.
 */
export async function sweepDeadCgroups(): Promise<string[]> {
  const base = cgroupBase();
  if (!base) return [];
  const lines: string[] = [];
  for (const name of subdirs(base)) {
    const m = /^tandem-(\d+)-(\d+)$/.exec(name);
    if (!m) continue;
    const owner = { pid: Number(m[1]), startTime: Number(m[2]) || undefined };
    if (isAlive(owner)) continue;
    const parent = join(base, name);
    for (const task of subdirs(parent)) {
      const dir = join(parent, task);
      const count = readPids(dir).length;
      if (count) {
        killCgroup(dir);
        lines.push(`killed ${count} leftover process${count === 1 ? '' : 'es'} of task ${task} of tandem process ${owner.pid}, which is gone (its cgroup)`);
      }
      await untilEmpty(dir);
      removeCgroup(dir);
    }
    removeCgroup(parent);
  }
  return lines;
}

/** Polls until the kernel has emptied the cgroup (no event reaches a process outside it), at most ~2 s. */
export async function untilEmpty(dir: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cgroupEmpty(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10).unref());
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}
