// How a task's command line is wrapped so that everything it starts can be found and killed.
//
// pid-namespace: `unshare --pid --fork --kill-child <shell> -c INIT <shell> <command>`. The task gets its own
// pid namespace; when its PID 1 exits, the kernel kills every process left in it, so `setsid`, double forks,
// `nohup` and `disown` cannot outlive the task. PID 1 is a small shell (INIT) that runs the command as an
// ordinary child, because the kernel drops default-action signals sent to a namespace's PID 1: with the
// command itself as PID 1, SIGTERM and Ctrl-C would do nothing to `sleep 1000`. The cost: a command that
// dies of signal N reaches tandem as exit code 128+N, as a shell would report it.
//
// process-group: `<shell> -c 'exec "$0" -c "$1" 2>&1' <shell> <command>`, spawned detached (own group). What
// leaves the group (setsid) is found by walking descendants, which works only while its parent lives. Where a
// cgroup v2 can be used (cgroup.ts), the shell joins the task's cgroup first, and that finds everything.
//
// Either way, `setpriv --pdeathsig KILL` (when present) makes the wrapper die with the tandem process.
//
// container: the caller's TaskContainer (a sandbox) replaces the unshare prefix and must give the same
// guarantees (own pid namespace, dies with the spawned process); inside it, the same INIT runs the command.
import { accessSync, constants } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import type { Isolation, TaskContainer } from './types.js';

export type IsolationMode = 'pid-namespace' | 'process-group';

export interface ResolvedIsolation {
  mode: IsolationMode;
  /** argv that goes before the shell: setpriv and/or unshare with their flags. */
  prefix: string[];
  /** Human description for logs and reports. */
  detail: string;
  /** Set when tasks run in a caller's container: it builds the whole argv, `prefix` is unused. */
  container?: TaskContainer;
}

/**
 * PID 1 of the namespace. Its own stdout and stderr go to /dev/null (so a shell's "Terminated" job messages
 * do not show); the command gets the real stdout on fd 1 and 2, so both interleave in order in one stream.
 * The redirections sit inside a subshell that execs the command, because dash applies a simple command's
 * redirections in the parent and would print its job messages through them.
 * The traps make TERM, INT, HUP and QUIT reach PID 1 at all; they are reset to the default in the command,
 * which gets them as usual.
 */
export const NAMESPACE_INIT =
  'exec 3>&1 >/dev/null 2>&1; trap : TERM INT HUP QUIT; ( exec "$0" -c "$1" >&3 2>&3 3>&- ); exit $?';
/** Process-group mode: the command's own shell, with stderr joined to stdout. */
export const GROUP_EXEC = 'exec "$0" -c "$1" 2>&1';
/**
 * Process-group mode with a task cgroup: the shell first moves itself into the cgroup ($2 is its cgroup.procs),
 * so the command and all it starts are born in it. If that fails the command still runs (as without cgroups).
 */
export const GROUP_JOIN_EXEC = '{ echo $$ >"$2"; } 2>/dev/null; exec "$0" -c "$1" 2>&1';

const UNSHARE_FLAGS = ['--pid', '--fork', '--kill-child'];
/**
 * Tried first: the namespace also gets its own /proc, so no command can read tandem's /proc/PID/environ (the
 * API keys it started with) or any other process of the host there. Without it (no mount namespaces here),
 * /proc stays the host's: see README, "Security".
 */
const PRIVATE_PROC = ['--mount-proc'];
const cache = new Map<string, ResolvedIsolation>();

export function resolveShell(preferred: string | undefined): string {
  for (const candidate of [preferred, '/bin/bash', '/bin/sh']) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return '/bin/sh';
}

/** Probes once per (request, shell) what this machine supports; pid-namespace if asked for and impossible throws. */
export function resolveIsolation(requested: Isolation, shell: string): ResolvedIsolation {
  const key = `${requested}\0${shell}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const probes = probeIsolation(requested, shell);
  let step = probes.next();
  while (!step.done) step = probes.next(works(step.value));
  cache.set(key, step.value);
  return step.value;
}

const preparing = new Map<string, Promise<void>>();

/**
 * Runs resolveIsolation's probes as ordinary child processes, without blocking the event loop (spawnSync does,
 * for ~5-10 ms), so they can overlap start-up; a later resolveIsolation finds the result. Never rejects: an
 * impossible pid-namespace request still throws when a task starts.
 */
export function prepareIsolation(requested: Isolation, shell: string): Promise<void> {
  const key = `${requested}\0${shell}`;
  if (cache.has(key)) return Promise.resolve();
  let pending = preparing.get(key);
  if (!pending) {
    pending = (async () => {
      const probes = probeIsolation(requested, shell);
      let step = probes.next();
      while (!step.done) step = probes.next(await worksAsync(step.value));
      if (!cache.has(key)) cache.set(key, step.value);
    })().catch(() => undefined);
    preparing.set(key, pending);
  }
  return pending;
}

/**
 * The probing logic, for both drivers: yields command lines to try and receives whether each exited 0. The
 * usual answer (setpriv and unshare both work) takes one probe; otherwise setpriv and the unshare variants are
 * probed apart, as setpriv only sets a flag before it execs (it cannot make unshare fail).
 */
function* probeIsolation(requested: Isolation, shell: string): Generator<string[], ResolvedIsolation, boolean> {
  const setpriv = ['setpriv', '--pdeathsig', 'KILL'];
  const variants = [[...UNSHARE_FLAGS, ...PRIVATE_PROC]];
  if (process.getuid?.() !== 0) variants.push(['--user', '--map-current-user', ...UNSHARE_FLAGS, ...PRIVATE_PROC]);
  variants.push(UNSHARE_FLAGS);
  if (process.getuid?.() !== 0) variants.push(['--user', '--map-current-user', ...UNSHARE_FLAGS]);
  const namespaces = requested !== 'process-group' && process.platform === 'linux';
  if (namespaces) {
    for (const flags of variants) {
      if (yield [...setpriv, 'unshare', ...flags, shell, '-c', ':']) return pidNamespace(setpriv, flags);
    }
  }
  const pdeath = (yield [...setpriv, shell, '-c', ':']) ? setpriv : [];
  if (namespaces) {
    // With a working setpriv, the probes above already tried every unshare variant.
    if (!pdeath.length) {
      for (const flags of variants) {
        if (yield ['unshare', ...flags, shell, '-c', ':']) return pidNamespace(pdeath, flags);
      }
    }
    if (requested === 'pid-namespace') {
      throw new Error('pid-namespace isolation is not available here: `unshare --pid --fork --kill-child` failed.');
    }
  }
  return {
    mode: 'process-group',
    prefix: pdeath,
    detail: `process group + descendant walk${pdeath.length ? ', shell dies with tandem (setpriv --pdeathsig)' : ''}`,
  };
}

function pidNamespace(pdeath: string[], flags: string[]): ResolvedIsolation {
  return {
    mode: 'pid-namespace',
    prefix: [...pdeath, 'unshare', ...flags],
    detail: `pid namespace (unshare ${flags.join(' ')})${pdeath.length ? ', dies with tandem (setpriv --pdeathsig)' : ''}`,
  };
}

/** A container is a pid namespace the caller builds: the engine treats it as one (see task.ts). */
export function containerIsolation(container: TaskContainer): ResolvedIsolation {
  return { mode: 'pid-namespace', prefix: [], detail: container.detail, container };
}

/** The argv that runs `command` under the resolved isolation; `cwd` is passed to a container. */
export function buildArgv(iso: ResolvedIsolation, shell: string, command: string, cwd: string, cgroupProcs?: string): string[] {
  if (iso.container) return iso.container.argv({ shell: initShell(shell), script: NAMESPACE_INIT, args: [shell, command], cwd });
  if (iso.mode === 'process-group') {
    return cgroupProcs
      ? [...iso.prefix, shell, '-c', GROUP_JOIN_EXEC, shell, command, cgroupProcs]
      : [...iso.prefix, shell, '-c', GROUP_EXEC, shell, command];
  }
  // PID 1 only waits: the lightest POSIX shell there is will do (dash starts faster than bash).
  return [...iso.prefix, initShell(shell), '-c', NAMESPACE_INIT, shell, command];
}

let lightShell: string | undefined;

function initShell(fallback: string): string {
  lightShell ??= resolveShell('/bin/sh');
  return lightShell || fallback;
}

function works(argv: string[]): boolean {
  try {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 5000 });
    return r.status === 0;
  } catch {
    return false;
  }
}

function worksAsync(argv: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 5000 });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
      // A probe never keeps tandem running.
      child.unref();
    } catch {
      resolve(false);
    }
  });
}
