// A snapshot of the machine's processes (pid, parent, group, start time, pid namespace, task token) and the
// walk that finds every process belonging to a task. Linux reads /proc; elsewhere `ps` gives pid/ppid/pgid.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Every task's processes inherit this variable, so they can be found even after leaving group and parent. */
export const TASK_TOKEN_VAR = 'TANDEM_TASK_TOKEN';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot (Linux); identifies a process across pid reuse. */
  startTime?: number;
  /** e.g. "pid:[4026532177]" (Linux, when the scan asked for namespaces). */
  pidNs?: string;
  /** The TANDEM_TASK_TOKEN of its environment (Linux, when the scan asked for tokens). */
  token?: string;
}

export interface ScanOptions {
  ns?: boolean;
  tokens?: boolean;
}

export type ProcessTable = Map<number, ProcInfo>;

/** A process as seen once: pid plus start time, so a later signal never hits a reused pid. */
export interface ProcIdentity { pid: number; startTime?: number }

const hasProc = process.platform === 'linux';

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): { ppid: number; pgid: number; startTime: number; zombie: boolean } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3].
  return {
    ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]), zombie: fields[0] === 'Z',
  };
}

/** A live (not zombie) process, or undefined. */
export function readProc(pid: number, opts: ScanOptions = {}): ProcInfo | undefined {
  if (!hasProc) return scanPs().get(pid);
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // A zombie has exited and cannot be signalled into anything: it only waits to be reaped.
    if (!stat || stat.zombie) return undefined;
    const info: ProcInfo = { pid, ppid: stat.ppid, pgid: stat.pgid, startTime: stat.startTime };
    if (opts.ns) info.pidNs = readNs(pid, 'pid');
    if (opts.tokens) info.token = readToken(pid);
    return info;
  } catch {
    return undefined;
  }
}

export function readNs(pid: number | 'self', kind: 'pid' | 'pid_for_children'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

const TOKEN_PREFIX = `${TASK_TOKEN_VAR}=`;

/** The task token in a process's initial environment (what it was exec'd with). */
function readToken(pid: number): string | undefined {
  let env: string;
  try {
    env = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
  } catch {
    return undefined;
  }
  const at = env.indexOf(`\0${TOKEN_PREFIX}`);
  if (at < 0) return undefined;
  const start = at + 1 + TOKEN_PREFIX.length;
  const end = env.indexOf('\0', start);
  return env.slice(start, end < 0 ? undefined : end);
}

/** Start time of a process in clock ticks since boot, or undefined where unknown (non-Linux, gone). */
export function processStartTime(pid: number): number | undefined {
  return hasProc ? readProc(pid)?.startTime : undefined;
}

/** True if the process exists and, when a start time is known, is the same process (not a reused pid). */
export function isAlive(who: ProcIdentity): boolean {
  if (hasProc) {
    const info = readProc(who.pid);
    if (!info) return false;
    return who.startTime === undefined || info.startTime === who.startTime;
  }
  try {
    process.kill(who.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SCAN_REUSE_MS = 5;
let lastScan: { table: ProcessTable; at: number; opts: ScanOptions } | undefined;

/**
 * Every live process. A scan is reused for a few milliseconds, so killing many tasks at once (shutdown)
 * costs one walk of /proc, not one per task.
 */
export function scanProcesses(opts: ScanOptions = {}): ProcessTable {
  const now = performance.now();
  if (lastScan && now - lastScan.at < SCAN_REUSE_MS
    && (lastScan.opts.ns || !opts.ns) && (lastScan.opts.tokens || !opts.tokens)) return lastScan.table;
  const table = hasProc ? scanProc(opts) : scanPs();
  lastScan = { table, at: now, opts };
  return table;
}

function scanProc(opts: ScanOptions): ProcessTable {
  const table: ProcessTable = new Map();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const info = readProc(Number(name), opts);
    if (info) table.set(info.pid, info);
  }
  return table;
}

function scanPs(): ProcessTable {
  const table: ProcessTable = new Map();
  const out = spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'pgid='], { encoding: 'utf8' });
  for (const line of (out.stdout ?? '').split('\n')) {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    if (pid && !Number.isNaN(ppid)) table.set(pid, { pid, ppid, pgid });
  }
  return table;
}

export interface MemberQuery {
  /** The process tandem spawned (unshare, or the shell); -1 if it is gone. */
  rootPid: number;
  rootStartTime?: number;
  /** The task's process group (the root's pid, as it was spawned detached). */
  pgid?: number;
  /** The task's pid namespace, when it runs in one. */
  pidNs?: string;
  /** The task's environment token (needs a scan with tokens). */
  token?: string;
  /** Only count group members started at or after this tick (guards against a reused group id). */
  notBefore?: number;
}

/**
 * Every live process of a task: the root (if it is still the same process), its process group, the members
 * of its pid namespace, the processes carrying its environment token, and, transitively, every descendant
 * of any of those. In a pid namespace nothing escapes (orphans are re-parented to its PID 1). Without one, a
 * process that left the group (setsid) and lost its parent is still found by its token, unless it was
 * started with a scrubbed environment (env -i).
 */
export function findMembers(table: ProcessTable, q: MemberQuery): ProcInfo[] {
  const members = new Map<number, ProcInfo>();
  const root = table.get(q.rootPid);
  if (root && (q.rootStartTime === undefined || root.startTime === q.rootStartTime)) members.set(root.pid, root);
  for (const p of table.values()) {
    if (p.pid === process.pid) continue;
    const inGroup = q.pgid !== undefined && p.pgid === q.pgid
      && (q.notBefore === undefined || p.startTime === undefined || p.startTime >= q.notBefore);
    const inNs = q.pidNs !== undefined && p.pidNs === q.pidNs;
    const hasToken = q.token !== undefined && p.token === q.token;
    if (inGroup || inNs || hasToken) members.set(p.pid, p);
  }
  if (members.size === 0) return [];
  const children = new Map<number, ProcInfo[]>();
  for (const p of table.values()) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const queue = [...members.keys()];
  while (queue.length) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      if (members.has(child.pid) || child.pid === process.pid) continue;
      members.set(child.pid, child);
      queue.push(child.pid);
    }
  }
  return [...members.values()];
}

/** Sends a signal unless the process is gone or its pid now belongs to another; true if delivered. */
export function signalProcess(who: ProcIdentity, signal: NodeJS.Signals): boolean {
  if (who.startTime !== undefined && !isAlive(who)) return false;
  try {
    process.kill(who.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Polls until these processes are gone or `ms` passes: they are not our children, so no exit event exists. */
export async function waitGone(procs: ProcIdentity[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (procs.some((p) => isAlive(p)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
