// Everything a task starts dies with it: backgrounded, nohup'd, setsid'd, double-forked, disowned, exec'd,
// pipe-holding and SIGTERM-ignoring processes, under kill(), shutdown(), killAllSync() and a plain exit.
import { describe, expect, it } from 'vitest';
import type { Isolation } from '../../src/tasks/types.js';
import { eventually, makeManager, marker, outputContains, survivors } from './helpers.js';

/** Starts 9 `sleep <mark>` processes in every way a command can try to outlive its shell. */
function battery(mark: string): string {
  return [
    `sleep ${mark} &`,
    `nohup sleep ${mark} >/dev/null 2>&1 &`,
    `setsid sleep ${mark} &`,
    `( ( sleep ${mark} & ) & )`,
    `sleep ${mark} & disown`,
    `( sleep ${mark} ) &`,
    `bash -c 'exec sleep ${mark}' &`,
    `(sleep ${mark}; echo late) &`, // holds the output pipe
    `bash -c "trap '' TERM; sleep ${mark}" &`, // ignores SIGTERM (inherited by sleep)
  ].join('\n');
}
const BATTERY_SIZE = 9;

async function launched(mark: string, count: number): Promise<void> {
  // Process creation has no event to wait for: look until all are there.
  expect(await eventually(() => survivors(mark).length >= count)).toBe(true);
}

const modes: Isolation[] = ['auto', 'process-group'];

describe.each(modes)('orphan battery, isolation %s', (isolation) => {
  it('kill() leaves zero survivors', async () => {
    const m = makeManager({ isolation, killGraceMs: 300 });
    const mark = marker();
    const t = m.start({ command: `${battery(mark)}\necho ready\nsleep ${mark}` });
    await outputContains(m, t.id, 'ready');
    await launched(mark, BATTERY_SIZE + 1);
    const s = await m.kill(t.id, 'model');
    expect(s.status).toBe('killed');
    expect(survivors(mark)).toEqual([]);
  });

  it('shutdown() leaves zero survivors across several tasks', async () => {
    const m = makeManager({ isolation, killGraceMs: 300 });
    const mark = marker();
    const ids = [1, 2, 3].map(() => m.start({ command: `${battery(mark)}\necho ready\nsleep ${mark}` }).id);
    for (const id of ids) await outputContains(m, id, 'ready');
    await launched(mark, 3 * (BATTERY_SIZE + 1));
    await m.shutdown();
    expect(m.list().every((t) => t.status === 'killed' && t.killedBy === 'shutdown')).toBe(true);
    expect(survivors(mark)).toEqual([]);
  });

  it('a task that exits on its own leaves zero survivors', async () => {
    const m = makeManager({ isolation, killGraceMs: 300 });
    const mark = marker();
    const t = m.start({ command: `${battery(mark)}\nsleep 0.2\necho main exits` });
    const r = await m.wait([t.id], 'all', 20_000);
    expect(r.done[0]).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(r.done[0].runtimeMs).toBeLessThan(3000);
    if (m.isolation.mode === 'pid-namespace') {
      // The kernel killed the namespace with its PID 1, before the task was reported ended.
      expect(survivors(mark)).toEqual([]);
    } else {
      // Leftovers get SIGTERM at exit and SIGKILL after the grace; they are not our children, so poll.
      expect(await eventually(() => survivors(mark).length === 0, 5000)).toBe(true);
    }
  });

  it('killAllSync() (for process exit) leaves zero survivors', async () => {
    const m = makeManager({ isolation });
    const mark = marker();
    const t = m.start({ command: `${battery(mark)}\necho ready\nsleep ${mark}` });
    await outputContains(m, t.id, 'ready');
    await launched(mark, BATTERY_SIZE + 1);
    m.killAllSync();
    // SIGKILL is immediate, but the kernel needs a moment to tear processes down.
    expect(await eventually(() => survivors(mark).length === 0, 5000)).toBe(true);
  });
});

describe('process-group mode limits', () => {
  it('reaches a setsid + env-scrubbed process through its live parent', async () => {
    // What process-group mode promises: group members, descendants of live members, and anything carrying
    // the task's environment token. `env -i setsid` drops both group and token; its parent (the shell) is
    // alive here, so a kill() still reaches it through the descendant walk.
    const m = makeManager({ isolation: 'process-group', killGraceMs: 300 });
    const mark = marker();
    const t = m.start({ command: `env -i setsid sleep ${mark} &\necho ready\nsleep ${mark}` });
    await outputContains(m, t.id, 'ready');
    await launched(mark, 2);
    await m.kill(t.id, 'model');
    expect(survivors(mark)).toEqual([]);
  });
});
