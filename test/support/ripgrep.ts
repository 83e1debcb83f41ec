// The search tools' ripgrep tests need ripgrep. They never skip: CI installs it (.ci/run), and without it they
// fail saying what to install, instead of passing with nothing tested.
import { spawnSync } from 'node:child_process';

const installed = spawnSync('rg', ['--version']).status === 0;

/** Call in beforeEach of every suite that runs rg. */
export function requireRipgrep(): void {
  if (!installed) {
    throw new Error('ripgrep (rg) is not installed, so the search tools cannot be tested with it. '
      + 'Install it (Debian/Ubuntu: sudo apt-get install ripgrep; .ci/run does this in CI).');
  }
}
