// --sandbox for the task engine: checks once that bubblewrap can start here, then hands the engine a container
// that runs every command (foreground, background, tty) under it. When the check fails, the container refuses
// every command with the reason: tandem never runs commands unsandboxed after a sandbox was asked for.
import type { TaskContainer } from '../tasks/types.js';
import type { PermissionSettings } from './permissions/index.js';
import { buildSandboxArgv, checkSandbox } from './sandbox.js';
import path from 'node:path';
import { denyReadArgs, hiddenPaths, makeGuards, protectArgs, removePlaceholders } from './sandbox-protect.js';

export interface SandboxSetup {
  container: TaskContainer;
  /** For the system prompt: what commands can and cannot do. Undefined when the sandbox is unavailable. */
  note?: string;
  /**
   * Where commands may write besides the workspace (`sandbox.extraWritable`) and what they cannot see
   * (`hidden`), for the file tools to obey the same; undefined when the sandbox is unavailable.
   */
  writable?: { extra: string[]; hidden: string[] };
  /** Removes the empty mount points bwrap left for protected paths that did not exist; call when no command runs. */
  cleanup(): void;
}

/** Resolves to undefined when no sandbox was asked for. Logs one line saying whether it is on. */
export async function setUpSandbox(
  sandbox: PermissionSettings['sandbox'],
  opts: {
    workspace: string; env?: NodeJS.ProcessEnv; log: (line: string) => void;
    /** tandem's private folder for this session (guards live there); home folders for the hidden defaults. */
    privateDir: string; home: string; tandemHome: string;
  },
): Promise<SandboxSetup | undefined> {
  if (!sandbox.enabled) return undefined;
  const check = await checkSandbox({ workspace: opts.workspace, env: opts.env });
  if (!check.ok) {
    const refusal = `The sandbox is unavailable, so tandem runs no commands: ${check.message}`;
    opts.log(`sandbox requested but unavailable; commands will be refused. ${check.message}`);
    return { container: { detail: 'sandbox unavailable (commands refused)', argv: () => { throw new Error(refusal); } }, cleanup: () => {} };
  }
  // Each command gets protection as things are when it starts. (Empty mount points a SIGKILLed run left stay:
  // they may as well be the user's, and an empty one changes nothing.)
  const guards = makeGuards(path.join(opts.privateDir, 'sandbox'));
  const hidden = hiddenPaths(opts.home, opts.tandemHome, sandbox.denyRead);
  const placeholders = new Set<string>();
  const protect = () => {
    const p = protectArgs(opts.workspace, guards);
    for (const x of p.placeholders) placeholders.add(x);
    return [...p.args, ...denyReadArgs(hidden, opts.home, guards)];
  };
  const network = sandbox.network ? 'network allowed' : 'no network';
  opts.log(`sandbox on: commands run under bubblewrap, read-only outside the workspace and a private /tmp, ${network}`);
  return {
    container: {
      detail: `bubblewrap sandbox (${network})`,
      argv: (run) => buildSandboxArgv({
        workspace: opts.workspace,
        network: sandbox.network,
        extraWritable: sandbox.extraWritable,
        shell: run.shell,
        command: run.script,
        args: run.args,
        cwd: run.cwd,
        bwrap: check.bwrap,
        graceful: check.graceful,
        protect: protect(),
      }),
    },
    cleanup: () => removePlaceholders(placeholders),
    writable: { extra: sandbox.extraWritable, hidden },
    note: 'Commands run in a sandbox: the file system is read-only outside the workspace, /tmp is private to each '
      + `command${sandbox.network ? '' : ', and there is no network'}; .tandem/, .claude/, .mcp.json, .git/hooks and .git/config `
      + 'are read-only, and credentials (~/.ssh, ~/.aws, …) are hidden. A "Read-only file system" or network error '
      + 'comes from the sandbox: tell the user rather than working around it.',
  };
}
