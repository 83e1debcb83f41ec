// Output watchers: notify_on notices (batched, one pending per task, folded counts, dropped once read) and
// waiting until a line matches or a port listens. Tests wait for events (notices, ends), never for time.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { compileLinePattern } from '../../src/core/line-pattern.js';
import { formatNotice } from '../../src/tasks/notices.js';
import { listensIn } from '../../src/tasks/port-probe.js';
import type { TaskManager } from '../../src/tasks/task-manager.js';
import type { TaskNotice } from '../../src/tasks/types.js';
import { waitUntil } from '../../src/tasks/wait-until.js';
import { makeManager, marker } from './helpers.js';

const nextMatched = (m: TaskManager): Promise<TaskNotice> => new Promise((resolve) => m.once('matched', resolve));
const servers: Server[] = [];
afterEach(() => { for (const s of servers.splice(0)) s.close(); });

describe('notify_on', () => {
  it('queues one notice with the matching lines while the task runs, and a new one after delivery', async () => {
    const m = makeManager();
    const notifyOn = await compileLinePattern('ERROR');
    const t = m.start({ command: 'read a; echo "ok 1"; echo "ERROR in src/app.ts"; read b; echo "ERROR again"; read c', notifyOn });
    let matched = nextMatched(m);
    m.write(t.id, '\n');
    const first = await matched;
    expect(first.matches!.lines.map((l) => l.line)).toEqual(['ERROR in src/app.ts']);
    expect(first.task.status).toBe('running');
    expect(m.pendingNotices()).toBe(1);
    const text = formatNotice(first);
    expect(text).toMatch(/^<tandem-task-notice id="b1" status="running" event="output_matched">/);
    expect(text).toContain('printed 1 line matching its notify_on pattern /ERROR/ (it is still running)');
    expect(text).toContain('matching lines:\nERROR in src/app.ts\n');
    expect(m.drainNotices()).toEqual([first]);
    matched = nextMatched(m);
    m.write(t.id, '\n');
    expect((await matched).matches!.lines.map((l) => l.line)).toEqual(['ERROR again']);
    m.write(t.id, '\n');
    await m.wait([t.id], 'all', 10_000);
    // The second match notice, then the end notice: in that order, each once.
    const drained = m.drainNotices();
    expect(drained.map((n) => (n.matches ? 'match' : n.task.status))).toEqual(['match', 'exited']);
    expect(m.drainNotices()).toEqual([]);
  });

  it('folds a flood into the one pending notice, bounded, with counts', async () => {
    const m = makeManager();
    const t = m.start({ command: 'for i in $(seq 1 5000); do echo "ERROR $i"; done; read x', notifyOn: await compileLinePattern('ERROR') });
    const notice = await nextMatched(m);
    m.write(t.id, '\n');
    await m.wait([t.id], 'all', 10_000);
    const notices = m.drainNotices();
    // One match notice for the whole flood (never drained meanwhile), then the end.
    expect(notices.filter((n) => n.matches)).toEqual([notice]);
    const shown = notice.matches!.lines.length;
    expect(shown).toBeLessThanOrEqual(20);
    expect(shown + notice.matches!.folded).toBe(5000);
    expect(notice.matches!.lines[0]!.line).toBe('ERROR 1');
    expect(formatNotice(notice)).toContain(`[${5000 - shown} more matching lines folded into this notice`);
    expect(formatNotice(notice).length).toBeLessThan(3000);
  });

  it('a match the model has read (check_background, the start result) is not noticed again', async () => {
    const m = makeManager();
    const t = m.start({ command: 'read a; echo "ERROR one"; read b', notifyOn: await compileLinePattern('ERROR') });
    const matched = nextMatched(m);
    m.write(t.id, '\n');
    await matched;
    expect(m.pendingNotices()).toBe(1);
    expect(m.readNew(t.id)).toBe('ERROR one');
    expect(m.pendingNotices()).toBe(0);
    m.write(t.id, '\n');
    await m.wait([t.id], 'all', 10_000);
    expect(m.drainNotices().map((n) => n.matches ? 'match' : 'end')).toEqual(['end']);
  });

  it('a match in the last unterminated line is noticed before the end', async () => {
    const m = makeManager();
    const t = m.start({ command: 'printf "fatal: ERROR without newline"', notifyOn: await compileLinePattern('ERROR') });
    await m.wait([t.id], 'all', 10_000);
    const [match, end] = m.drainNotices();
    expect(match!.matches!.lines.map((l) => l.line)).toEqual(['fatal: ERROR without newline']);
    expect(end!.matches).toBeUndefined();
  });
});

describe('waiting until', () => {
  it('returns when a new line matches, with the lines, while the task keeps running', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `echo starting; read x; echo "  Local:   http://localhost:5173/"; sleep ${mark}` });
    const waiting = waitUntil(m, [t.id], 'any', { pattern: await compileLinePattern('Local:') }, 60_000);
    m.write(t.id, '\n');
    const r = await waiting;
    expect(r.fired).toEqual(['output']);
    expect(r.matches).toEqual([{ id: t.id, lines: ['  Local:   http://localhost:5173/'], more: 0 }]);
    expect(r.timedOut).toBe(false);
    expect(r.interrupted).toBe(false);
    expect(r.pending.map((s) => s.id)).toEqual([t.id]);
  });

  it('matches output already there but not yet read, and not output the model has read', async () => {
    const m = makeManager();
    const t = m.start({ command: 'echo ready; read x; echo ready again; read y' });
    const pattern = await compileLinePattern('^ready');
    expect(await waitUntil(m, [t.id], 'any', { pattern }, 60_000)).toMatchObject({ fired: ['output'], matches: [{ lines: ['ready'] }] });
    m.readNew(t.id);
    const waiting = waitUntil(m, [t.id], 'any', { pattern }, 60_000);
    m.write(t.id, '\n');
    expect(await waiting).toMatchObject({ fired: ['output'], matches: [{ lines: ['ready again'] }] });
    m.write(t.id, '\n');
  });

  it('returns at the end when nothing matched, saying no condition fired', async () => {
    const m = makeManager();
    const t = m.start({ command: 'echo nothing here' });
    const r = await waitUntil(m, [t.id], 'any', { pattern: await compileLinePattern('Local:') }, 60_000);
    expect(r.fired).toEqual([]);
    expect(r.done.map((s) => s.status)).toEqual(['exited']);
  });

  it('returns when something listens on the port', async () => {
    const server = createServer();
    servers.push(server);
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark}` });
    // A free port: bind, note it, close; then listen on it only once the wait has begun.
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    await new Promise((resolve) => server.close(resolve));
    const waiting = waitUntil(m, [t.id], 'any', { port }, 60_000);
    server.listen(port, '127.0.0.1');
    const r = await waiting;
    expect(r.fired).toEqual(['port']);
    expect(r.pending.map((s) => s.id)).toEqual([t.id]);
  });

  it('reads listening sockets from /proc/net/tcp tables', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1',
      '   1: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 2 1',
    ].join('\n');
    expect(listensIn(table, 0x1435)).toBe(true);
    expect(listensIn(table, 3000)).toBe(false);
  });
});

describe('wait_background until, as the model sees it', () => {
  it('says when the line it waits for was printed before, in output already shown', async () => {
    const { createBackgroundRunTool } = await import('../../src/tools/background-run.js');
    const { createWaitBackgroundTool } = await import('../../src/tools/wait-background.js');
    const m = makeManager();
    const ctx = { signal: new AbortController().signal, toolUseId: 't' };
    const started = await createBackgroundRunTool(m).execute({ command: 'echo "  Local:   http://127.0.0.1:5173/"; read x' }, ctx);
    // The start result already showed the line (it came within the start check), or the first wait does.
    if (!String(started.content).includes('Local:')) {
      await createWaitBackgroundTool(m).execute({ task_ids: ['b1'], until: 'Local:', timeout_s: 30 }, ctx);
    }
    const again = createWaitBackgroundTool(m).execute({ task_ids: ['b1'], until: 'Local:', timeout_s: 30 }, ctx);
    m.write('b1', '\n');
    const r = await again;
    expect(r.content).toMatch(/^Ended: b1 \(no new line matched \/Local:\/\)\.\nNote: b1 printed a matching line before this wait, in output already shown to you: {3}Local: {3}http/);
  });
});
