// --sandbox for the task engine: checks once that bubblewrap can start here, then hands the engine a container
// that runs every command (foreground, background, tty) under it. When the check fails, the container refuses
// every command with the reason: tandem never runs commands unsandboxed after a sandbox was asked for.
import type { TaskContainer } from '../tasks/types.js';
import type { PermissionSettings } from './permissions/index.js';
import { buildSandboxArgv, checkSandbox } from './sandbox.js';

export interface SandboxSetup {
  container: TaskContainer;
  /** For the system prompt: what commands can and cannot do. Undefined when the sandbox is unavailable. */
  note?: string;
}

/** Resolves to undefined when no sandbox was asked for. Logs one line saying whether it is on. */
export async function setUpSandbox(
  sandbox: PermissionSettings['sandbox'], opts: { workspace: string; env?: NodeJS.ProcessEnv; log: (line: string) => void },
): Promise<SandboxSetup | undefined> {
  if (!sandbox.enabled) return undefined;
  const check = await checkSandbox({ workspace: opts.workspace, env: opts.env });
  if (!check.ok) {
    const refusal = `The sandbox is unavailable, so tandem runs no commands: ${check.message}`;
    opts.log(`sandbox requested but unavailable; commands will be refused. ${check.message}`);
    return { container: { detail: 'sandbox unavailable (commands refused)', argv: () => { throw new Error(refusal); } } };
  }
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
      }),
    },
    note: 'Commands run in a sandbox: the file system is read-only outside the workspace, /tmp is private to each '
      + `command${sandbox.network ? '' : ', and there is no network'}. A "Read-only file system" or network error `
      + 'comes from the sandbox: tell the user rather than working around it.',
  };
}
