// Temp folders made through tempDir() (workspaces, TANDEM_HOMEs, TMPDIRs of spawned tandems) are removed after
// each test file, so a run leaves nothing under the temp directory. scripts/test.mjs counts what is left.
import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { madeTempDirs } from './temp-registry.js';

afterAll(() => {
  for (const dir of madeTempDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});
