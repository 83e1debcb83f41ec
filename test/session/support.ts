// Test support for the session modules: a temp folder removed after the test.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tandem-session-')));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
