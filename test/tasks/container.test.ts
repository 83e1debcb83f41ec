// The engine with a container (tandem's --sandbox): the container's argv replaces the unshare prefix, and
// everything else holds as without one — exit codes, merged output, terminals, kills of the whole tree.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContainerRun, TaskContainer } from '../../src/tasks/types.js';
import { buildSandboxArgv } from '../../src/workspace/sandbox.js';
import { requireBwrap } from '../support/bwrap.js';
import { eventually, makeManager, marker, outputContains, survivors, tempRoot } from './helpers.js';

const done = async (m: ReturnType<typeof makeManager>, id: string) => {
  const r = await m.wait([id], 'all', 20_000);
  expect(r.timedOut).toBe(false);
  return m.get(id)!;
};

describe('TaskManager with a container', () => {
  it('a container that refuses: start throws its error and no task exists', () => {
    const m = makeManager({ container: { detail: 'refuses', argv: () => { throw new Error('no sandbox here'); } } });
    const started: string[] = [];
    m.on('start', (t) => started.push(t.id));
    expect(() => m.start({ command: 'echo hi' })).toThrow('no sandbox here');
    expect(m.list()).toEqual([]);
    expect(started).toEqual([]);
    expect(m.isolation).toMatchObject({ mode: 'pid-namespace', detail: 'refuses' });
  });

  describe('bubblewrap', () => {
    beforeEach(requireBwrap);
    let ws: string;
    let runs: ContainerRun[];
    const sandboxed = (network = false): TaskContainer => ({
      detail: 'bwrap',
      argv: (run) => {
        runs.push(run);
        return buildSandboxArgv({ workspace: ws, network, shell: run.shell, command: run.script, args: run.args, cwd: run.cwd });
      },
    });
    const manager = (opts: Parameters<typeof makeManager>[0] = {}) => {
      ws = tempRoot('tandem-container-ws-');
      runs = [];
      return makeManager({ cwd: ws, container: sandboxed(), killGraceMs: 300, ...opts });
    };

    it('runs the init shell in the container, in the workspace, with exit codes and merged output', async () => {
      const m = manager();
      const ok = m.start({ command: 'pwd; echo out; echo err >&2; echo more' });
      const bad = m.start({ command: 'exit 3' });
      expect(runs[0]).toMatchObject({ script: expect.stringContaining('trap'), args: ['/bin/bash', 'pwd; echo out; echo err >&2; echo more'], cwd: ws });
      expect(await done(m, ok.id)).toMatchObject({ status: 'exited', exitCode: 0 });
      expect(m.readAll(ok.id)).toBe(`${ws}\nout\nerr\nmore`);
      expect(await done(m, bad.id)).toMatchObject({ status: 'exited', exitCode: 3 });
      const segv = await done(m, m.start({ command: 'kill -SEGV $$' }).id);
      expect(segv).toMatchObject({ status: 'exited', exitCode: 139 });
    });

    it('confines writes to the workspace', async () => {
      const m = manager();
      const inside = await done(m, m.start({ command: 'echo hi > inside.txt' }).id);
      expect(inside.exitCode).toBe(0);
      expect(readFileSync(path.join(ws, 'inside.txt'), 'utf8')).toBe('hi\n');
      const target = `/var/tmp/tandem-container-${process.pid}`;
      const outside = await done(m, m.start({ command: `echo x > ${target}` }).id);
      expect(outside.exitCode).not.toBe(0);
      expect(m.readAll(outside.id)).toContain('Read-only file system');
      expect(existsSync(target)).toBe(false);
    });

    it('runs tty tasks in a terminal', async () => {
      const m = manager();
      const t = m.start({ command: '[ -t 1 ] && echo is-a-tty || echo not-a-tty; stty size', tty: true });
      await done(m, t.id);
      expect(m.readAll(t.id)).toBe('is-a-tty\n40 120');
    });

    it('a kill takes down everything the command started, setsid and double forks included', async () => {
      const m = manager();
      const mark = marker();
      const t = m.start({ command: `sleep ${mark} & setsid sleep ${mark} & ( ( sleep ${mark} & ) & ); echo started; wait` });
      await outputContains(m, t.id, 'started');
      // The double fork may still be on its way to exec sleep when "started" prints.
      expect(await eventually(() => survivors(mark).filter((p) => p.cmdline.startsWith('sleep ')).length === 3)).toBe(true);
      expect(await m.kill(t.id, 'model')).toMatchObject({ status: 'killed', signal: 'SIGTERM' });
      expect(survivors(mark)).toEqual([]);
    });

    it('escalates to SIGKILL for a command that ignores SIGTERM, and killAllSync kills at once', async () => {
      const m = manager();
      const mark = marker();
      const t = m.start({ command: `trap '' TERM; echo armed; sleep ${mark}` });
      await outputContains(m, t.id, 'armed');
      expect(await m.kill(t.id, 'user')).toMatchObject({ status: 'killed', signal: 'SIGKILL' });
      expect(survivors(mark)).toEqual([]);
      const mark2 = marker();
      const u = m.start({ command: `trap '' TERM; echo armed; sleep ${mark2} & wait` });
      await outputContains(m, u.id, 'armed');
      m.killAllSync();
      await done(m, u.id);
      expect(survivors(mark2)).toEqual([]);
    });
  });
});
