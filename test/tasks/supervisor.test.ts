// The supervisor path (the default where perl exists) and the in-process path it falls back to.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeManager, marker, outputContains, survivors } from './helpers.js';

describe('task supervisor', () => {
  it('tasks are children of one supervisor process, not of tandem', async () => {
    const m = makeManager();
    const a = m.start({ command: 'read x' });
    const b = m.start({ command: 'read y' });
    await Promise.all([m.waitForStartup(a.id), m.waitForStartup(b.id)]);
    const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    const pidOf = (id: string) => (m as unknown as { tasks: Map<string, { pid: number }> }).tasks.get(id)!.pid;
    const pa = parentOf(pidOf(a.id));
    expect(pa).not.toBe(process.pid);
    expect(parentOf(pidOf(b.id))).toBe(pa);
    expect(readFileSync(`/proc/${pa}/cmdline`, 'utf8').split('\0')[0]).toMatch(/perl$/);
    m.write(a.id, '\n');
    m.write(b.id, '\n');
    const r = await m.wait([a.id, b.id], 'all', 10_000);
    expect(r.done.map((t) => t.exitCode)).toEqual([0, 0]);
  });

  it('a kill that comes before the process has a pid still kills it', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark}` });
    const snap = await m.kill(t.id, 'model');
    expect(snap.status).toBe('killed');
    expect(survivors(mark)).toEqual([]);
  });

  it('output events still reach listeners, read back from the log', async () => {
    const m = makeManager();
    const t = m.start({ command: 'echo one; read x; echo two' });
    await outputContains(m, t.id, 'one');
    m.write(t.id, '\n');
    await outputContains(m, t.id, 'two');
    await m.wait([t.id], 'all', 10_000);
    expect(m.readAll(t.id)).toBe('one\ntwo');
  });

  it('spawns from tandem itself with supervisor: false, with the same results', async () => {
    const m = makeManager({ supervisor: false, maxLogBytes: 1000 });
    const t = m.start({ command: 'seq 1 2000; echo END >&2; exit 4' });
    const r = await m.wait([t.id], 'all', 10_000);
    expect(r.done[0]).toMatchObject({ status: 'exited', exitCode: 4 });
    expect(m.readNew(t.id, { tail: 2 })).toBe('2000\nEND');
    expect(readFileSync(t.logPath, 'utf8')).toContain('[tandem: log cut at 1000 bytes');
  });
});
