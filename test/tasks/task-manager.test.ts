import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeStatus } from '../../src/tasks/notices.js';
import { TaskLimitError, UnknownTaskError } from '../../src/tasks/types.js';
import { makeManager, marker, outputContains, survivors } from './helpers.js';

const done = async (m: ReturnType<typeof makeManager>, id: string) => {
  const r = await m.wait([id], 'all', 20_000);
  expect(r.timedOut).toBe(false);
  return m.get(id)!;
};

describe('TaskManager: how tasks end', () => {
  it('reports exit codes honestly, zero and non-zero', async () => {
    const m = makeManager();
    const ok = m.start({ command: 'echo hi' });
    const bad = m.start({ command: 'echo failing; exit 3' });
    expect((await done(m, ok.id))).toMatchObject({ status: 'exited', exitCode: 0 });
    const s = await done(m, bad.id);
    expect(s).toMatchObject({ status: 'exited', exitCode: 3 });
    expect(describeStatus(s)).toBe('exited with code 3');
    expect(s.signal).toBeUndefined();
  });

  it('reports a command not found as exit 127, not as a start failure', async () => {
    const m = makeManager();
    const s = await done(m, m.start({ command: 'no-such-command-xyz' }).id);
    expect(s).toMatchObject({ status: 'exited', exitCode: 127 });
    expect(describeStatus(s)).toContain('command not found');
    expect(m.readAll(s.id)).toContain('no-such-command-xyz');
  });

  it('reports death by a signal the task sent itself (128+N in a pid namespace, the signal otherwise)', async () => {
    const ns = makeManager({ isolation: 'auto' });
    const a = await done(ns, ns.start({ command: 'kill -SEGV $$' }).id);
    const pg = makeManager({ isolation: 'process-group' });
    const b = await done(pg, pg.start({ command: 'kill -SEGV $$' }).id);
    expect(b).toMatchObject({ status: 'exited', signal: 'SIGSEGV' });
    expect(describeStatus(b)).toContain('SIGSEGV');
    if (ns.isolation.mode === 'pid-namespace') {
      expect(a).toMatchObject({ status: 'exited', exitCode: 139 });
      expect(describeStatus(a)).toContain('SIGSEGV');
    }
  });

  it('fails to start in a missing directory', async () => {
    const m = makeManager({ cwd: '/nonexistent/dir/for/tandem' });
    const events: string[] = [];
    m.on('start', (t) => events.push(`start ${t.id}`));
    m.on('end', (t) => events.push(`end ${t.id} ${t.status}`));
    const snap = m.start({ command: 'echo hi' });
    expect(events).toEqual(['start b1', 'end b1 failed_to_start']);
    expect(snap.status).toBe('failed_to_start');
    const s = await done(m, snap.id);
    expect(describeStatus(s)).toMatch(/^failed to start: working directory .* does not exist/);
    const notices = m.drainNotices();
    expect(notices.map((n) => n.task.id)).toEqual([snap.id]);
  });

  it('kill by the model: SIGTERM, status killed, never exit-reported', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `echo started; sleep ${mark}` });
    await outputContains(m, t.id, 'started');
    const s = await m.kill(t.id, 'model');
    expect(s).toMatchObject({ status: 'killed', killedBy: 'model', signal: 'SIGTERM' });
    expect(s.exitCode).toBeUndefined();
    expect(describeStatus(s)).toBe('killed by the model (SIGTERM)');
    expect(survivors(mark)).toEqual([]);
  });

  it('kill escalates to SIGKILL for a process that ignores SIGTERM', async () => {
    const m = makeManager({ killGraceMs: 300 });
    const mark = marker();
    const t = m.start({ command: `trap '' TERM; echo armed; sleep ${mark}; echo after` });
    await outputContains(m, t.id, 'armed');
    const s = await m.kill(t.id, 'user');
    expect(s).toMatchObject({ status: 'killed', killedBy: 'user', signal: 'SIGKILL' });
    expect(describeStatus(s)).toContain('SIGKILL');
    expect(survivors(mark)).toEqual([]);
  });

  it('times out: status timed_out, killed by timeout', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark}`, timeoutMs: 300 });
    const s = await done(m, t.id);
    expect(s).toMatchObject({ status: 'timed_out', killedBy: 'timeout', timeoutMs: 300 });
    expect(describeStatus(s)).toMatch(/^timed out after 300ms and was killed \(SIGTERM\)$/);
    expect(survivors(mark)).toEqual([]);
  });

  it('shutdown kills by shutdown and queues no notices', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark}` });
    await m.shutdown();
    expect(m.get(t.id)).toMatchObject({ status: 'killed', killedBy: 'shutdown' });
    expect(m.drainNotices()).toEqual([]);
    expect(() => m.start({ command: 'true' })).toThrow(/shut down/);
  });

  it('kill of an ended task leaves it as it was', async () => {
    const m = makeManager();
    const t = m.start({ command: 'exit 4' });
    await done(m, t.id);
    expect(await m.kill(t.id, 'model')).toMatchObject({ status: 'exited', exitCode: 4 });
  });

  it('ends when the main process exits even if a child holds the output pipe', async () => {
    for (const isolation of ['auto', 'process-group'] as const) {
      const m = makeManager({ isolation });
      const mark = marker();
      const t = m.start({ command: `sleep ${mark} & echo main done` });
      const s = await done(m, t.id);
      expect(s).toMatchObject({ status: 'exited', exitCode: 0 });
      expect(s.runtimeMs).toBeLessThan(5000);
      expect(m.readAll(t.id)).toContain('main done');
    }
  });
});

describe('TaskManager: output', () => {
  it('interleaves stdout and stderr in order in one log', async () => {
    const m = makeManager();
    const t = m.start({ command: 'echo one; echo two >&2; echo three; echo four >&2' });
    await done(m, t.id);
    expect(m.readAll(t.id)).toBe('one\ntwo\nthree\nfour');
    expect(readFileSync(t.logPath, 'utf8')).toBe('one\ntwo\nthree\nfour\n');
  });

  it('readNew returns only output since the last read', async () => {
    const m = makeManager();
    const t = m.start({ command: 'echo first; read x; echo second' });
    await outputContains(m, t.id, 'first');
    expect(m.readNew(t.id)).toBe('first');
    expect(m.readNew(t.id)).toBe('');
    m.write(t.id, 'go\n');
    await done(m, t.id);
    expect(m.readNew(t.id)).toBe('second');
    expect(m.readAll(t.id)).toBe('first\nsecond');
  });

  it('filters new output by regex and tails it', async () => {
    const m = makeManager();
    const t = m.start({ command: 'for i in $(seq 1 50); do echo "line $i"; echo "ERROR $i" >&2; done' });
    await done(m, t.id);
    const errors = m.readNew(t.id, { filter: /ERROR [0-9]*5$/ });
    expect(errors.split('\n')).toEqual(['ERROR 5', 'ERROR 15', 'ERROR 25', 'ERROR 35', 'ERROR 45']);
    // The cursor moved: nothing new.
    expect(m.readNew(t.id, { filter: /ERROR/ })).toBe('');
    const t2 = m.start({ command: 'seq 1 1000' });
    await done(m, t2.id);
    expect(m.readNew(t2.id, { tail: 3 })).toBe('998\n999\n1000');
    const t3 = m.start({ command: 'for i in $(seq 1 20); do echo "ok $i"; echo "bad $i"; done' });
    await done(m, t3.id);
    expect(m.readNew(t3.id, { filter: /bad/, tail: 2 })).toBe('bad 19\nbad 20');
  });

  it('cleans ANSI colours and carriage-return progress', async () => {
    const m = makeManager();
    const t = m.start({ command: String.raw`printf '\033[31mred\033[0m\n10%%\r50%%\r100%%\ndone\n'` });
    await done(m, t.id);
    expect(m.readAll(t.id)).toBe('red\n100%\ndone');
  });

  it('bounds big output: head and tail with the log path', async () => {
    const m = makeManager();
    const t = m.start({ command: 'seq 1 200000' });
    await done(m, t.id);
    const view = m.readNew(t.id, { maxChars: 2000 });
    expect(view.length).toBeLessThan(2300);
    expect(view.startsWith('1\n2\n3\n')).toBe(true);
    expect(view.endsWith('199999\n200000')).toBe(true);
    expect(view).toContain(t.logPath);
    expect(m.get(t.id)!.outputBytes).toBe(1288895);
  });
});

describe('TaskManager: input', () => {
  it('writes to stdin and closes it', async () => {
    const m = makeManager();
    const t = m.start({ command: 'read x; echo got $x; cat; echo eof' });
    expect(m.write(t.id, 'hello\n')).toBe(6);
    await outputContains(m, t.id, 'got hello');
    m.write(t.id, 'rest\n', true);
    const s = await done(m, t.id);
    expect(s.exitCode).toBe(0);
    expect(m.readAll(t.id)).toBe('got hello\nrest\neof');
    expect(() => m.write(t.id, 'more')).toThrow(/no longer running/);
  });

  it('runs tty tasks in a terminal', async () => {
    const m = makeManager();
    const tty = m.start({ command: '[ -t 1 ] && echo is-a-tty || echo not-a-tty; stty size', tty: true });
    const pipe = m.start({ command: '[ -t 1 ] && echo is-a-tty || echo not-a-tty' });
    await done(m, tty.id);
    await done(m, pipe.id);
    expect(m.readAll(tty.id)).toBe('is-a-tty\n40 120');
    expect(m.readAll(pipe.id)).toBe('not-a-tty');
    expect(m.get(tty.id)).toMatchObject({ tty: true, status: 'exited', exitCode: 0 });
  });

  it('takes input through the terminal, and Ctrl-C interrupts sleep', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `read -r name; echo "hi $name"; echo sleeping; sleep ${mark}; echo never`, tty: true });
    m.write(t.id, 'world\n');
    await outputContains(m, t.id, 'sleeping');
    await outputContains(m, t.id, 'hi world');
    m.write(t.id, '\x03');
    const s = await done(m, t.id);
    expect(s.status).toBe('exited');
    expect(s.exitCode === 130 || s.signal === 'SIGINT').toBe(true);
    expect(m.readAll(t.id)).not.toContain('never');
    expect(survivors(mark)).toEqual([]);
  });

  it('kills tty tasks like any other', async () => {
    const m = makeManager();
    const mark = marker();
    const t = m.start({ command: `sleep ${mark} & sleep ${mark}`, tty: true });
    await m.waitForStartup(t.id, 100);
    const s = await m.kill(t.id, 'model');
    expect(s).toMatchObject({ status: 'killed', killedBy: 'model' });
    expect(survivors(mark)).toEqual([]);
  });
});

describe('TaskManager: waiting, limits, notices', () => {
  it('waits for any or all, times out, and is interrupted by a signal', async () => {
    const m = makeManager();
    const fast = m.start({ command: 'read x' });
    const slow = m.start({ command: 'read x' });
    const any = m.wait([fast.id, slow.id], 'any', 20_000);
    m.write(fast.id, '\n');
    const r1 = await any;
    expect(r1).toMatchObject({ timedOut: false, interrupted: false });
    expect(r1.done.map((t) => t.id)).toEqual([fast.id]);
    expect(r1.pending.map((t) => t.id)).toEqual([slow.id]);

    const r2 = await m.wait([slow.id], 'all', 50);
    expect(r2).toMatchObject({ timedOut: true, done: [] });

    const ac = new AbortController();
    const r3p = m.wait([slow.id], 'all', 20_000, ac.signal);
    ac.abort();
    expect(await r3p).toMatchObject({ interrupted: true, timedOut: false });

    const all = m.wait(undefined, 'all', 20_000);
    m.write(slow.id, '\n');
    const r4 = await all;
    expect(r4.done.map((t) => t.id).sort()).toEqual([fast.id, slow.id]);
  });

  it('waitForStartup returns early when the task ends at once', async () => {
    const m = makeManager();
    const t = m.start({ command: 'exit 2' });
    const s = await m.waitForStartup(t.id, 10_000);
    expect(s).toMatchObject({ status: 'exited', exitCode: 2 });
    const slow = m.start({ command: 'read x' });
    expect((await m.waitForStartup(slow.id, 50)).status).toBe('running');
  });

  it('refuses past the concurrency cap, naming the running tasks', async () => {
    const m = makeManager({ maxConcurrent: 2 });
    const a = m.start({ command: 'read x' });
    const b = m.start({ command: 'read y' });
    let err: unknown;
    try {
      m.start({ command: 'echo three' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TaskLimitError);
    expect((err as Error).message).toContain(`${a.id} (read x)`);
    expect((err as Error).message).toContain(`${b.id} (read y)`);
    expect((err as TaskLimitError).running.map((t) => t.id)).toEqual([a.id, b.id]);
    m.write(a.id, '\n');
    await done(m, a.id);
    expect(m.start({ command: 'true' }).status).toBe('running');
  });

  it('unknown ids are clear errors', () => {
    const m = makeManager();
    expect(() => m.readNew('b99')).toThrow(UnknownTaskError);
    expect(() => m.readNew('b99')).toThrow(/no task "b99"/);
  });

  it('delivers each background end exactly once; foreground ends produce none unless backgrounded', async () => {
    const m = makeManager();
    const noticed: string[] = [];
    m.on('notice', (n) => noticed.push(n.task.id));
    const bg = m.start({ command: 'echo bg' });
    const fg = m.start({ command: 'echo fg', foreground: true });
    const moved = m.start({ command: 'read x; echo moved', foreground: true });
    await done(m, bg.id);
    await done(m, fg.id);
    m.background(moved.id);
    m.write(moved.id, '\n');
    await done(m, moved.id);
    expect(noticed.sort()).toEqual([bg.id, moved.id].sort());
    const drained = m.drainNotices();
    expect(drained.map((n) => n.task.id).sort()).toEqual([bg.id, moved.id].sort());
    expect(drained.find((n) => n.task.id === moved.id)!.tail).toBe('moved');
    expect(m.drainNotices()).toEqual([]);
    expect(m.pendingNotices()).toBe(0);
  });

  it('acknowledge drops a notice the model already saw', async () => {
    const m = makeManager();
    const a = m.start({ command: 'echo a' });
    const b = m.start({ command: 'echo b' });
    await m.wait([a.id, b.id], 'all', 20_000);
    m.acknowledge(a.id);
    expect(m.drainNotices().map((n) => n.task.id)).toEqual([b.id]);
    // A wait without ids covers only unseen ends and running tasks.
    const r = await m.wait(undefined, 'any', 10);
    expect(r.done).toEqual([]);
  });

  it('keeps registry records only while tasks run, and logs in logDir', async () => {
    const m = makeManager();
    const t = m.start({ command: 'read x' });
    // The record is written once the process exists (the supervisor reports its pid).
    await m.waitForStartup(t.id);
    const registryDir = (m as unknown as { registry: { dir: string } }).registry.dir;
    const records = readdirSync(registryDir).filter((f) => f.endsWith('.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(`${registryDir}/${records[0]}`, 'utf8'));
    expect(record).toMatchObject({ taskId: t.id, ownerPid: process.pid, command: 'read x' });
    expect(record.pid).toBeGreaterThan(0);
    expect(record.ownerStartTime).toBeGreaterThan(0);
    m.write(t.id, '\n');
    await done(m, t.id);
    expect(readdirSync(registryDir).filter((f) => f.endsWith('.json'))).toEqual([]);
    m.start({ command: 'read y' });
    m.killAllSync();
    expect(readdirSync(registryDir).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(existsSync(t.logPath)).toBe(true);
    expect(t.logPath.startsWith(m.logDir)).toBe(true);
  });
});

describe('TaskManager: isolation probe', () => {
  it('prepare() probes ahead with child processes; start() then uses what it found', async () => {
    // A shell no other test here uses, so the probe is not already cached.
    const m = makeManager({ shell: '/bin/sh' });
    await m.prepare();
    expect(['pid-namespace', 'process-group']).toContain(m.isolation.mode);
    const s = await done(m, m.start({ command: 'echo prepared' }).id);
    expect(s).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(m.readAll(s.id)).toContain('prepared');
  });
});
