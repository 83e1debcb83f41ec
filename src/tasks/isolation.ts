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
// leaves the group (setsid) is found by walking descendants, which works only while its parent lives.
//
// Either way, `setpriv --pdeathsig KILL` (when present) makes the wrapper die with the tandem process.
//
// container: the caller's TaskContainer (a sandbox) replaces the unshare prefix and must give the same
// guarantees (own pid namespace, dies with the spawned process); inside it, the same INIT runs the command.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
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

const UNSHARE_FLAGS = ['--pid', '--fork', '--kill-child'];
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
  const pdeath = works(['setpriv', '--pdeathsig', 'KILL', shell, '-c', ':']) ? ['setpriv', '--pdeathsig', 'KILL'] : [];
  let resolved: ResolvedIsolation | undefined;
  if (requested !== 'process-group' && process.platform === 'linux') {
    const variants = [UNSHARE_FLAGS];
    if (process.getuid?.() !== 0) variants.push(['--user', '--map-current-user', ...UNSHARE_FLAGS]);
    for (const flags of variants) {
      if (works(['unshare', ...flags, shell, '-c', ':'])) {
        resolved = {
          mode: 'pid-namespace',
          prefix: [...pdeath, 'unshare', ...flags],
          detail: `pid namespace (unshare ${flags.join(' ')})${pdeath.length ? ', dies with tandem (setpriv --pdeathsig)' : ''}`,
        };
        break;
      }
    }
    if (!resolved && requested === 'pid-namespace') {
      throw new Error('pid-namespace isolation is not available here: `unshare --pid --fork --kill-child` failed.');
    }
  }
  resolved ??= {
    mode: 'process-group',
    prefix: pdeath,
    detail: `process group + descendant walk${pdeath.length ? ', shell dies with tandem (setpriv --pdeathsig)' : ''}`,
  };
  cache.set(key, resolved);
  return resolved;
}

/** A container is a pid namespace the caller builds: the engine treats it as one (see task.ts). */
export function containerIsolation(container: TaskContainer): ResolvedIsolation {
  return { mode: 'pid-namespace', prefix: [], detail: container.detail, container };
}

/** The argv that runs `command` under the resolved isolation; `cwd` is passed to a container. */
export function buildArgv(iso: ResolvedIsolation, shell: string, command: string, cwd: string): string[] {
  if (iso.container) return iso.container.argv({ shell: initShell(shell), script: NAMESPACE_INIT, args: [shell, command], cwd });
  if (iso.mode === 'process-group') return [...iso.prefix, shell, '-c', GROUP_EXEC, shell, command];
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
