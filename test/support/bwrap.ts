// The sandbox tests need bubblewrap: skipped with the reason on a machine without it, failed in CI
// (which installs it), never passed with nothing tested. See system-packages.ts.
import { requireCommand } from './system-packages.js';

/** Use as beforeEach(requireBwrap) in every suite that runs bwrap. */
export function requireBwrap(ctx?: { skip(note?: string): void }): void {
  requireCommand('bwrap', ctx);
}
