// Checks that need a Debian package (bubblewrap, ripgrep, tmux). In CI (CI=true, which installs them all) a
// missing one fails the check with what to install; on a developer's machine the check is skipped, saying
// which package it needs, and the run's last lines (scripts/test.mjs) name the packages to install.
import { spawnSync } from 'node:child_process';

export const SYSTEM_PACKAGES = {
  bwrap: { debian: 'bubblewrap', versionArg: '--version', checks: 'the sandbox' },
  rg: { debian: 'ripgrep', versionArg: '--version', checks: 'the search tools with ripgrep' },
  tmux: { debian: 'tmux', versionArg: '-V', checks: 'the terminal UI' },
} as const;
export type SystemCommand = keyof typeof SYSTEM_PACKAGES;

const known = new Map<SystemCommand, boolean>();
export function isInstalled(cmd: SystemCommand): boolean {
  let ok = known.get(cmd);
  if (ok === undefined) {
    ok = spawnSync(cmd, [SYSTEM_PACKAGES[cmd].versionArg], { stdio: 'ignore' }).status === 0;
    known.set(cmd, ok);
  }
  return ok;
}

/** The text a skipped check carries; scripts/test.mjs counts these. */
export function skipNote(cmd: SystemCommand): string {
  return `needs ${cmd} (Debian/Ubuntu: sudo apt-get install ${SYSTEM_PACKAGES[cmd].debian})`;
}

/**
 * Call from beforeEach (it passes the test context) of every suite that runs `cmd`. Missing: a skip with the
 * reason on a developer's machine; a failure in CI or without a context.
 */
export function requireCommand(cmd: SystemCommand, ctx?: { skip(note?: string): void }): void {
  if (isInstalled(cmd)) return;
  const { debian, checks } = SYSTEM_PACKAGES[cmd];
  if (ctx && !process.env.CI) return ctx.skip(skipNote(cmd));
  throw new Error(`${cmd} is not installed, so ${checks} cannot be tested. `
    + `Install it (Debian/Ubuntu: sudo apt-get install ${debian}; .ci/run does this in CI).`);
}
