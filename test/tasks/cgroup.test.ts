// cgroups v2 in the process-group fallback: `env -i setsid -f` leaves the group, its parent and the task token,
// so only the task's cgroup still finds it. Killing the task, its own end, shutdown(), killAllSync() and a
// SIGKILLed tandem (swept by the next one) must each leave it dead.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { cgroupRoot } from '../../src/tasks/cgroup.js';
import { TaskManager } from '../../src/tasks/task-manager.js';
import { eventually, makeManager, marker, survivors, tempRoot } from './helpers.js';

const OWNER = fileURLToPath(new URL('./fixtures/cgroup-owner.ts', import.meta.url));

/** A command whose `sleep <mark>` escapes every way the process-group walk can follow; its pid goes to `pidFile`. */
const escape = (pidFile: string, mark: string): string => `env -i setsid -f sh -c 'echo $$ > ${pidFile}; exec sleep ${mark}'`;

async function escapedPid(pidFile: string, mark: string): Promise<number> {
  // A process that is not our child has no event to wait for: look until its pid file and process are there.
  expect(await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'))).toBe(true);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  expect(await eventually(() => survivors(mark).some((p) => p.pid === pid))).toBe(true);
  // It really escaped: a session of its own, and its parent is not the task.
  expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).not.toContain('TANDEM_TASK_TOKEN');
  return pid;
}

const taskCgroups = (): string[] => {
  const root = cgroupRoot()!;
  // shutdown() removes the parent once it is empty.
  if (!existsSync(root.parent)) return [];
  return readdirSync(root.parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
};

describe('process-group mode with cgroups v2', () => {
  beforeEach((ctx) => {
    if (!cgroupRoot()) ctx.skip('needs a writable cgroup v2 (cgroup2 mounted, delegated or root); without one the fallback is the descendant walk');
  });

  it('says so in its detail, and kill() reaches an `env -i setsid -f` escapee', async () => {
    const m = makeManager({ isolation: 'process-group', killGraceMs: 300 });
    expect(m.isolation.detail).toMatch(/cgroup v2/);
    const root = tempRoot();
    const mark = marker();
    const t = m.start({ command: `${escape(join(root, 'pid'), mark)}; sleep ${mark}` });
    await escapedPid(join(root, 'pid'), mark);
    const s = await m.kill(t.id, 'model');
    expect(s.status).toBe('killed');
    await m.shutdown();
    expect(survivors(mark)).toEqual([]);
    expect(taskCgroups().filter((n) => n.startsWith(`${t.id}-`))).toEqual([]);
  });

  it('a task that ends on its own takes its escapee with it', async () => {
    const m = makeManager({ isolation: 'process-group', killGraceMs: 300 });
    const root = tempRoot();
    const mark = marker();
    const pidFile = join(root, 'pid');
    const t = m.start({ command: `${escape(pidFile, mark)}; while [ ! -s ${pidFile} ]; do sleep 0.01; done; echo done` });
    const r = await m.wait([t.id], 'all', 20_000);
    expect(r.done[0]).toMatchObject({ status: 'exited', exitCode: 0 });
    await m.shutdown();
    expect(survivors(mark)).toEqual([]);
  });

  it('shutdown() and killAllSync() reach escapees', async () => {
    const root = tempRoot();
    const a = makeManager({ isolation: 'process-group', killGraceMs: 300 });
    const b = makeManager({ isolation: 'process-group', killGraceMs: 300 });
    const markA = marker();
    const markB = marker();
    a.start({ command: `${escape(join(root, 'a'), markA)}; sleep ${markA}` });
    b.start({ command: `${escape(join(root, 'b'), markB)}; sleep ${markB}` });
    await escapedPid(join(root, 'a'), markA);
    await escapedPid(join(root, 'b'), markB);
    await a.shutdown();
    expect(survivors(markA)).toEqual([]);
    b.killAllSync();
    // SIGKILL is immediate, but the kernel needs a moment to tear the processes down.
    expect(await eventually(() => survivors(markB).length === 0)).toBe(true);
  });

  it('after a SIGKILL of tandem, the next one kills what its cgroups still hold', async () => {
    const root = tempRoot('tandem-cgroup-');
    const mark = marker();
    const child = spawn(process.execPath, ['--import', 'tsx', OWNER, root, mark], { stdio: ['ignore', 'pipe', 'inherit'] });
    const detail = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ready (.*)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`owner exited early: ${out}`)));
    });
    expect(detail).toMatch(/cgroup v2/);
    const pid = await escapedPid(join(root, 'escaped.pid'), mark);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // No cleanup code ran: the escapee outlives its tandem.
    expect(survivors(mark).map((p) => p.pid)).toContain(pid);
    const lines = await TaskManager.reapOrphans(join(root, 'registry'));
    expect(lines.some((l) => /^killed 1 leftover process of task b1-.* of tandem process \d+, which is gone \(its cgroup\)$/.test(l))).toBe(true);
    expect(await eventually(() => survivors(mark).length === 0)).toBe(true);
    const base = cgroupRoot()!.base;
    expect(readdirSync(base).filter((n) => n.startsWith(`tandem-${child.pid}-`))).toEqual([]);
  });

});
