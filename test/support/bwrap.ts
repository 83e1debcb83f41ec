// The sandbox tests need bubblewrap. They never skip: CI installs it (.ci/run), and without it they fail
// saying what is missing, instead of passing silently with nothing tested.
import { spawnSync } from 'node:child_process';

const installed = spawnSync('bwrap', ['--version']).status === 0;

/** Call in beforeEach of every suite that runs bwrap, so that each of its tests fails (a failing beforeAll would skip them). */
export function requireBwrap(): void {
  if (!installed) {
    throw new Error('bubblewrap (bwrap) is not installed, so the sandbox cannot be tested. '
      + 'Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; .ci/run does this in CI).');
  }
}
