// The --sandbox runner: every command runs under bubblewrap with the file system read-only except the
// workspace and a private /tmp, its own PID namespace that dies with tandem, and no network unless allowed.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

export interface SandboxOptions {
  /** Real path of the workspace: writable inside the sandbox. */
  workspace: string;
  /** Keep the host's network (otherwise only a private loopback exists). */
  network: boolean;
  /** More real paths to keep writable (e.g. ~/.npm); missing ones are skipped. */
  extraWritable?: string[];
  /** Paths inside the workspace to keep read-only; default: its `.tandem` settings folder, when it exists. */
  readOnly?: string[];
  /**
   * bwrap arguments applied after the writable binds instead of `readOnly`: the protected paths and hidden
   * credentials of sandbox-protect.ts.
   */
  protect?: string[];
  /** Shell to run `command` with, e.g. `/bin/bash`. */
  shell: string;
  command: string;
  /** Positional parameters after the command (`$0`, `$1`…), e.g. to run the task engine's init script. */
  args?: string[];
  /** Working directory inside the sandbox; default: the workspace. */
  cwd?: string;
  /**
   * Put the command in a new session (bwrap --new-session, against TIOCSTI injection into a shared terminal).
   * Leave off (the default) when the command runs in its own PTY or detached process group: a new session
   * would cut it off from the PTY's job control (Ctrl-C, SIGINT to the group) for no gain.
   */
  newSession?: boolean;
  /** The bwrap program; default `bwrap` (looked up on PATH). */
  bwrap?: string;
  /**
   * Let the command handle INT, TERM, HUP and QUIT sent to its process group (Ctrl-C, a graceful stop), as under
   * `unshare --fork`: bwrap is started with those signals ignored, and the command gets them back to default
   * through `env --default-signal` (coreutils 8.31+; checkSandbox reports whether it works). Without this,
   * a signal to the group kills bwrap, and with it at once everything inside. Default true.
   */
  graceful?: boolean;
}

/** Starts bwrap with INT/TERM/HUP/QUIT ignored, so that a signal to the group does not kill it first. */
const IGNORE_AND_EXEC = 'trap "" INT TERM HUP QUIT; exec "$0" "$@"';
const DEFAULT_SIGNALS = ['env', '--default-signal=INT,TERM,HUP,QUIT'];

/**
 * The complete argv (program first) that runs `shell -c command` in the sandbox. The PID namespace replaces
 * `unshare --pid --fork --kill-child`: killing the spawned process (or tandem) kills everything inside, and
 * bwrap's own PID 1 reaps and passes on the command's exit status (128+N when it dies of signal N).
 */
export function buildSandboxArgv(opts: SandboxOptions): string[] {
  const ws = opts.workspace;
  const graceful = opts.graceful ?? true;
  const argv = [
    ...(graceful ? ['/bin/sh', '-c', IGNORE_AND_EXEC] : []),
    opts.bwrap ?? 'bwrap',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    // After the /tmp tmpfs, so a workspace under /tmp is still the real one.
    '--bind', ws, ws,
  ];
  for (const dir of opts.extraWritable ?? []) argv.push('--bind-try', dir, dir);
  if (opts.protect) argv.push(...opts.protect);
  else for (const dir of opts.readOnly ?? [path.join(ws, '.tandem')]) argv.push('--ro-bind-try', dir, dir);
  argv.push('--unshare-pid', '--die-with-parent');
  if (!opts.network) argv.push('--unshare-net');
  if (opts.newSession) argv.push('--new-session');
  argv.push('--chdir', opts.cwd ?? ws, '--', ...(graceful ? DEFAULT_SIGNALS : []), opts.shell, '-c', opts.command, ...(opts.args ?? []));
  return argv;
}

/** `graceful`: pass it to buildSandboxArgv (false where `env --default-signal` is missing). */
export type SandboxCheck = { ok: true; bwrap: string; graceful: boolean } | { ok: false; message: string };

export interface CheckSandboxOptions {
  /** Environment whose PATH is searched for bwrap; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Workspace to try binding; default the current directory. */
  workspace?: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

const INSTALL_HINT =
  'Install it with `sudo apt-get install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` (Fedora) ' +
  'or `sudo pacman -S bubblewrap` (Arch)';

/**
 * Verifies that a sandbox can start here: bwrap is installed and runs `true` with the options tandem uses.
 * Contract: resolves, never rejects; when not ok, the message says why and how to fix it. Tandem must then
 * refuse to run commands rather than run them unsandboxed.
 */
export async function checkSandbox(opts: CheckSandboxOptions = {}): Promise<SandboxCheck> {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux') {
    return {
      ok: false,
      message: `The sandbox is Linux-only: it runs commands under bubblewrap, which ${platform === 'darwin' ? 'macOS' : platform} does not have. Run tandem without --sandbox (and sandbox.enabled) here.`,
    };
  }
  const env = opts.env ?? process.env;
  const bwrap = await findExecutable('bwrap', env.PATH ?? '');
  if (!bwrap) {
    return {
      ok: false,
      message: `The sandbox needs bubblewrap (bwrap), which is not installed (not found on PATH). ${INSTALL_HINT}, or run tandem without --sandbox. Tandem does not run commands unsandboxed when a sandbox was asked for.`,
    };
  }
  const workspace = path.resolve(opts.workspace ?? process.cwd());
  const probe = (graceful: boolean) =>
    run(buildSandboxArgv({ workspace, network: false, shell: '/bin/sh', command: 'true', bwrap, graceful }), env, opts.timeoutMs ?? 10_000);
  const result = await probe(false);
  if (result.ok) return { ok: true, bwrap, graceful: (await probe(true)).ok };
  return {
    ok: false,
    message:
      `bubblewrap (${bwrap}) is installed but cannot start a sandbox here: ${result.error}. ` +
      'Usually unprivileged user namespaces are disabled (enable them with `sysctl kernel.unprivileged_userns_clone=1`, ' +
      'or on Ubuntu 24.04+ `sysctl kernel.apparmor_restrict_unprivileged_userns=0`), or tandem runs in a container ' +
      'that forbids namespaces. Fix that or run tandem without --sandbox.',
  };
}

async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ ok: true } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, error: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, error: stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`) });
    });
  });
}
