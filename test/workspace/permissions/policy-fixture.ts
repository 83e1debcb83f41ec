// Test support: a PermissionPolicy over a fresh temporary workspace and home, with rules given as flags.
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PermissionPolicy } from '../../../src/workspace/permissions/decide.js';
import { loadPermissionSettings } from '../../../src/workspace/permissions/settings.js';
import type { Decision, Mode } from '../../../src/workspace/permissions/types.js';

export interface PolicyFixture {
  root: string;
  home: string;
  policy: PermissionPolicy;
  /** Checks a command run from `cwd` (default: the workspace root). */
  cmd(command: string, cwd?: string): Promise<Decision>;
  write(relOrAbs: string): Promise<Decision>;
  read(relOrAbs: string): Promise<Decision>;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
}

export async function makePolicy(opts: {
  allow?: string[];
  ask?: string[];
  deny?: string[];
  mode?: Mode;
  nonInteractive?: boolean;
} = {}): Promise<PolicyFixture> {
  const root = await tempDir('tandem-perm-ws-');
  const home = await tempDir('tandem-perm-home-');
  const settings = await loadPermissionSettings({
    home,
    workspaceRoot: root,
    cliAllow: opts.allow ?? [],
    cliAsk: opts.ask ?? [],
    cliDeny: opts.deny ?? [],
  });
  const policy = new PermissionPolicy(settings, { workspaceRoot: root, home, mode: opts.mode, nonInteractive: opts.nonInteractive });
  const abs = (p: string) => path.resolve(root, p);
  return {
    root,
    home,
    policy,
    cmd: (command, cwd = root) => policy.check({ kind: 'command', command, cwd }),
    write: (p) => policy.check({ kind: 'write', path: abs(p) }),
    read: (p) => policy.check({ kind: 'read', path: abs(p) }),
    cleanup: async () => {
      await rm(root, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
}
