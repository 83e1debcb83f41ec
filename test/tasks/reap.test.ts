import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TaskManager } from '../../src/tasks/task-manager.js';
import { eventually, makeManager, marker, survivors, tempRoot } from './helpers.js';

const OWNER = fileURLToPath(new URL('./fixtures/owner.ts', import.meta.url));

/** Runs the owner fixture until it has started its tasks, then SIGKILLs it: no cleanup code runs. */
async function ownerKilled(isolation: string, mark: string): Promise<{ root: string; mode: string }> {
  const root = tempRoot('tandem-reap-');
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER, root, isolation, mark], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const mode = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`owner exited early: ${out}`)));
  });
  // 2 tasks x 3 sleeps each.
  expect(await eventually(() => survivors(mark).length >= 6)).toBe(true);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return { root, mode };
}

const records = (root: string) => readdirSync(join(root, 'registry')).filter((f) => f.endsWith('.json'));

describe('TaskManager.reapOrphans', () => {
  it('kills what a SIGKILLed tandem left running (process-group mode) and removes its records', async () => {
    const mark = marker();
    const { root } = await ownerKilled('process-group', mark);
    // The owner died without cleaning up: records remain and the tasks' processes survive it.
    expect(records(root)).toHaveLength(2);
    expect(survivors(mark).length).toBeGreaterThan(0);
    // Where cgroups v2 work, their sweep may add lines for processes still dying in them (cgroup.test.ts).
    const lines = (await TaskManager.reapOrphans(join(root, 'registry'))).filter((l) => !l.endsWith('(its cgroup)'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^killed \d+ leftover process(es)? of task b[12] \(`sleep .*`\) of tandem process \d+, which is gone/);
    expect(survivors(mark)).toEqual([]);
    expect(records(root)).toEqual([]);
    expect(await TaskManager.reapOrphans(join(root, 'registry'))).toEqual([]);
  });

  it('in a pid namespace the tasks die with their owner; reaping only removes the records', async () => {
    const mark = marker();
    const { root, mode } = await ownerKilled('auto', mark);
    if (mode !== 'pid-namespace') return;
    // setpriv --pdeathsig kills unshare with its owner; --kill-child then takes the namespace down.
    expect(await eventually(() => survivors(mark).length === 0, 5000)).toBe(true);
    expect(records(root)).toHaveLength(2);
    const lines = await TaskManager.reapOrphans(join(root, 'registry'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^removed the record of task b[12] .*; its processes had already ended$/);
    expect(records(root)).toEqual([]);
  });

  it('leaves the tasks of a live owner alone', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark}` });
    const registryDir = (m as unknown as { registry: { dir: string } }).registry.dir;
    expect(await TaskManager.reapOrphans(registryDir)).toEqual([]);
    expect(m.get(t.id)!.status).toBe('running');
    expect(await TaskManager.reapOrphans(join(registryDir, 'missing'))).toEqual([]);
  });
});
