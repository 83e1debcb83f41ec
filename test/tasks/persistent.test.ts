// Persistent tasks: they outlive the manager (tandem) that started them; a later one re-attaches, reports
// those that ended meanwhile with their real exit status, once, and can kill those still running.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPersistent, killRecord } from '../../src/tasks/persistent.js';
import { eventually, makeManager, marker, survivors, tempRoot } from './helpers.js';

function pair() {
  const root = tempRoot();
  const opts = { logDir: join(root, 'logs'), persistentDir: join(root, 'persistent', 'session-1') };
  return { root, opts };
}

describe('persistent tasks', () => {
  it('survive shutdown; a later manager re-attaches with the output since, and can kill them', async () => {
    const { root, opts } = pair();
    const mark = marker();
    const first = makeManager(opts);
    const t = first.start({ command: `echo seen; sleep ${mark}`, persistent: true });
    expect(t.persistent).toBe(true);
    await first.waitForStartup(t.id);
    expect(await eventually(() => first.readNew(t.id) === 'seen')).toBe(true);
    await first.shutdown();
    expect(survivors(mark).length).toBeGreaterThan(0);
    expect(allPersistent(join(root, 'persistent')).map((p) => p.record.taskId)).toEqual([t.id]);

    const second = makeManager(opts);
    const found = second.adopt();
    expect(found.map((s) => [s.id, s.status, s.persistent])).toEqual([[t.id, 'running', true]]);
    const [notice] = second.drainNotices();
    expect(notice).toMatchObject({ reattached: true, task: { id: t.id, status: 'running' } });
    // Its id is not reused by the next task.
    const next = second.start({ command: 'true' });
    expect(next.id).not.toBe(t.id);
    const killed = await second.kill(t.id, 'model');
    expect(killed.status).toBe('killed');
    expect(survivors(mark)).toEqual([]);
  });

  it('one that ended while nobody watched is reported on attach with its real exit status, exactly once', async () => {
    const { opts } = pair();
    const first = makeManager(opts);
    const t = first.start({ command: 'read x; echo bye; exit 7', persistent: true });
    await first.waitForStartup(t.id);
    await first.shutdown();
    const second = makeManager(opts);
    expect(second.adopt().map((s) => s.status)).toEqual(['running']);
    second.drainNotices();
    await second.shutdown();
    // The persistent task has no stdin: `read` fails at once, so the task has already ended (or soon will).
    expect(await eventually(() => existsSync(`${t.logPath}.exit`))).toBe(true);
    const third = makeManager(opts);
    const adopted = third.adopt();
    expect(adopted[0]).toMatchObject({ id: t.id });
    await third.wait([t.id], 'all', 10_000);
    const notices = third.drainNotices();
    expect(notices.map((n) => [n.task.id, n.task.status, n.reattached ?? false])).toEqual([[t.id, "exited", false]]);
    expect(notices[0]).toMatchObject({ task: { id: t.id, status: 'exited', exitCode: 7 } });
    expect(notices[0].tail).toContain('bye');
    expect(third.drainNotices()).toEqual([]);
    const fourth = makeManager(opts);
    expect(fourth.adopt()).toEqual([]);
  });

  it('killRecord ends one from outside any session', async () => {
    const { root, opts } = pair();
    const mark = marker();
    const m = makeManager(opts);
    const t = m.start({ command: `sleep ${mark}`, persistent: true });
    await m.waitForStartup(t.id);
    const [{ record }] = allPersistent(join(root, 'persistent'));
    await killRecord(record);
    expect(survivors(mark)).toEqual([]);
    const r = await m.wait([t.id], 'all', 10_000);
    expect(r.done[0].status).toBe('exited');
  });

  it('refuses persistent tty tasks and managers without a record folder, clearly', () => {
    const m = makeManager();
    expect(() => m.start({ command: 'true', persistent: true })).toThrow(/not available here/);
    const { opts } = pair();
    expect(() => makeManager(opts).start({ command: 'true', persistent: true, tty: true })).toThrow(/cannot have a terminal/);
  });
});
