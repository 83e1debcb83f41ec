// write_file and edit_file against a command that keeps swapping a workspace folder with a symlink to outside
// (a renameat2 RENAME_EXCHANGE loop, as in the probe): no write may land outside, no outside file may
// change. The swapper is perl's syscall() (perl-base is on every Debian system); the test fails naming it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditFileTool } from '../../src/tools/edit-file.js';
import { createWriteFileTool } from '../../src/tools/write-file.js';
import { createWorkspace } from '../../src/workspace/paths.js';
import { run } from './fs-fixture.js';

const SYS_RENAMEAT2: Record<string, number> = { x64: 316, arm64: 276 };
const SWAPPER = `
my ($a, $b, $nr, $ready) = @ARGV;
open(my $fh, '>', $ready); close($fh);
while (1) { syscall($nr, -100, $a, -100, $b, 2) == 0 or die "renameat2: $!"; }
`;

let dir: string;
let swapper: ChildProcess | undefined;
beforeEach(() => {
  dir = path.join(os.tmpdir(), `tandem-race-${process.pid}-${Date.now()}`);
  mkdirSync(path.join(dir, 'ws', 'sub'), { recursive: true });
  mkdirSync(path.join(dir, 'outside'));
  symlinkSync(path.join(dir, 'outside'), path.join(dir, 'ws', 'evil'));
});
afterEach(() => {
  swapper?.kill('SIGKILL');
  swapper = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startSwapper(): Promise<void> {
  const nr = SYS_RENAMEAT2[process.arch];
  if (!nr) throw new Error(`no renameat2 syscall number for ${process.arch}; add it to this test`);
  if (spawnSync('perl', ['-e', '1']).status !== 0) throw new Error('perl is needed for the race test (Debian: perl-base)');
  const ready = path.join(dir, 'ready');
  swapper = spawn('perl', ['-e', SWAPPER, path.join(dir, 'ws', 'sub'), path.join(dir, 'ws', 'evil'), String(nr), ready], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  swapper.stderr!.on('data', (d) => { stderr += d; });
  // Wait for the swapper to say it runs (an event: the file appears), or fail with what it said.
  for (;;) {
    if (swapper.exitCode !== null) throw new Error(`the swapper stopped: ${stderr}`);
    try { readFileSync(ready); break; } catch { await new Promise((r) => setImmediate(r)); }
  }
}

describe('write_file and edit_file under a folder-swapping race', () => {
  it('0 of 1000 writes and 0 of 300 edits land outside the workspace', async () => {
    const ws = await createWorkspace(path.join(dir, 'ws'));
    writeFileSync(path.join(dir, 'outside', 'target.txt'), 'outside: original\n');
    writeFileSync(path.join(dir, 'ws', 'sub', 'target.txt'), 'outside: original\n');
    const write = createWriteFileTool(ws);
    const edit = createEditFileTool(ws);
    await startSwapper();
    let written = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await run(write, { path: `sub/f${i}.txt`, content: `write ${i}\n` });
      if (!r.isError) written++;
    }
    for (let i = 0; i < 300; i++) {
      await run(edit, { path: 'sub/target.txt', old_text: 'original', new_text: 'original' + '!' });
    }
    swapper!.kill('SIGKILL');
    const outside = readdirSync(path.join(dir, 'outside'));
    expect(outside).toEqual(['target.txt']);
    expect(readFileSync(path.join(dir, 'outside', 'target.txt'), 'utf8')).toBe('outside: original\n');
    // The race really ran: some writes succeeded, inside the workspace.
    expect(written).toBeGreaterThan(0);
  }, 120_000);
});
