import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/core/types.js';
import { createBackgroundRunTool } from '../../src/tools/background-run.js';
import { createCheckBackgroundTool } from '../../src/tools/check-background.js';
import { createKillBackgroundTool } from '../../src/tools/kill-background.js';
import { createWaitBackgroundTool } from '../../src/tools/wait-background.js';
import { createWriteBackgroundTool } from '../../src/tools/write-background.js';
import { makeManager, marker, outputContains, survivors } from '../tasks/helpers.js';
import { toolResultText } from '../../src/core/text.js';

const ctx = (signal = new AbortController().signal): ToolContext => ({ signal, toolUseId: 'toolu_1' });

function tools(opts: Parameters<typeof makeManager>[0] = {}) {
  const m = makeManager(opts);
  return {
    m,
    run: createBackgroundRunTool(m),
    check: createCheckBackgroundTool(m),
    wait: createWaitBackgroundTool(m),
    kill: createKillBackgroundTool(m),
    write: createWriteBackgroundTool(m),
  };
}

describe('background_run', () => {
  it('returns the task id and log path at once for a long command', async () => {
    const { m, run } = tools();
    const mark = marker();
    const started = Date.now();
    const r = await run.execute({ command: `echo serving; sleep ${mark}`, description: 'server' }, ctx());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.isError).toBeFalsy();
    expect(r.content).toMatch(/^Started background task b1: echo serving; sleep [\d.]+\nlog: \/.*\/b1\.log\n/);
    expect(r.content).toContain('A notice will arrive when it ends');
    expect(m.get('b1')!.status).toBe('running');
  });

  it('reports an immediate failure in the same result, and no notice repeats it', async () => {
    const { m, run } = tools();
    const r = await run.execute({ command: 'no-such-command-xyz --flag' }, ctx());
    expect(r.isError).toBeFalsy();
    expect(r.content).toMatch(/^Task b1 ended at once: exited with code 127 \(command not found\)\.\n.*no-such-command-xyz: command not found/);
    const syntax = await run.execute({ command: 'if then fi' }, ctx());
    expect(syntax.content).toMatch(/^Task b2 ended at once: exited with code 2\.\n.*syntax error/);
    expect(m.drainNotices()).toEqual([]);
  });

  it('runs in a terminal with tty and kills on timeout_s', async () => {
    const { m, run } = tools();
    const mark = marker();
    await run.execute({ command: `[ -t 1 ] && echo in-a-tty; sleep ${mark}`, tty: true, timeout_s: 0.4 }, ctx());
    await m.wait(['b1'], 'all', 20_000);
    const [notice] = m.drainNotices();
    expect(notice.task).toMatchObject({ status: 'timed_out', killedBy: 'timeout', tty: true });
    expect(notice.tail).toBe('in-a-tty');
    expect(survivors(mark)).toEqual([]);
  });
});

describe('check_background', () => {
  it('lists all tasks, then shows new output per task with a cursor', async () => {
    const { m, run, check } = tools();
    expect((await check.execute({}, ctx())).content).toBe('No background tasks have been started.');
    await run.execute({ command: 'echo one; read x; echo two; exit 1' }, ctx());
    await outputContains(m, 'b1', 'one');
    const table = toolResultText((await check.execute({}, ctx())).content).split('\n');
    expect(table[0]).toMatch(/^id\s+status\s+runtime\s+exit\s+command$/);
    expect(table[1]).toMatch(/^b1\s+running\s+\S+\s+-\s+echo one; read x; echo two; exit 1$/);
    // background_run showed "one" already (output so far), so nothing is new.
    const first = await check.execute({ task_id: 'b1' }, ctx());
    expect(first.content).toMatch(/^b1 \(echo one; read x; echo two; exit 1\): running for \S+\n\(no new output\)\nlog: /);
    m.write('b1', '\n');
    await m.wait(['b1'], 'all', 20_000);
    const second = await check.execute({ task_id: 'b1' }, ctx());
    expect(second.content).toMatch(/^b1 \(.*\): exited with code 1 after \S+\nnew output:\ntwo\nlog: /);
    // The model has seen the end: no notice follows.
    expect(m.drainNotices()).toEqual([]);
  });

  it('lists background tasks, not finished foreground commands', async () => {
    const { m, check } = tools();
    const fg = m.start({ command: 'true', foreground: true });
    await m.wait([fg.id], 'all', 20_000);
    const moved = m.start({ command: 'read x', foreground: true });
    m.background(moved.id);
    m.start({ command: 'read y' });
    const rows = toolResultText((await check.execute({}, ctx())).content).split('\n').slice(1).map((r) => r.split(/\s+/)[0]);
    expect(rows).toEqual(['f2', 'b1']);
  });

  it('filters with a regex, tails, and rejects a bad regex clearly', async () => {
    const { m, check } = tools();
    const t = m.start({ command: 'for i in $(seq 1 30); do echo "ok $i"; [ $((i % 10)) = 0 ] && echo "FAIL test $i"; done; true' });
    await m.wait([t.id], 'all', 20_000);
    const r = await check.execute({ task_id: t.id, filter: 'FAIL', tail: 2 }, ctx());
    expect(r.content).toContain('new output matching /FAIL/ (last 2 lines):\nFAIL test 20\nFAIL test 30\n');
    const bad = await check.execute({ task_id: t.id, filter: '(unclosed' }, ctx());
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/^filter is not a valid regular expression: /);
    const unknown = await check.execute({ task_id: 'b42' }, ctx());
    expect(unknown).toEqual({ content: 'There is no task "b42". Known tasks: b1.', isError: true });
  });
});

describe('wait_background', () => {
  it('returns when any task ends, with its new output, and suppresses its notice', async () => {
    const { m, run, wait } = tools();
    const mark = marker();
    await run.execute({ command: 'read x; echo "got $x"' }, ctx());
    await run.execute({ command: `sleep ${mark}` }, ctx());
    const waiting = wait.execute({ mode: 'any', timeout_s: 20 }, ctx());
    m.write('b1', 'it\n');
    const r = await waiting;
    expect(r.content).toMatch(/^Ended: b1\. Still running: b2\.\n\nb1 \(read x; echo "got \$x"\): exited with code 0 after \S+\nnew output:\ngot it\n/);
    expect(r.content).toContain('b2 (sleep');
    expect(m.drainNotices()).toEqual([]);
  });

  it('times out, is interrupted, and validates ids', async () => {
    const { run, wait } = tools();
    const mark = marker();
    await run.execute({ command: `sleep ${mark}` }, ctx());
    const r = await wait.execute({ task_ids: ['b1'], mode: 'all', timeout_s: 0.2 }, ctx());
    expect(r.content).toMatch(/^Still waiting after 200ms; running: b1\./);
    const ac = new AbortController();
    const p = wait.execute({ task_ids: ['b1'] }, ctx(ac.signal));
    ac.abort();
    expect((await p).content).toMatch(/^Waiting was interrupted by the user\./);
    expect(await wait.execute({ task_ids: ['b7'] }, ctx())).toEqual({ content: 'There is no task "b7". Known tasks: b1.', isError: true });
    expect((await wait.execute({ timeout_s: 601 }, ctx())).isError).toBe(true);
  });

  it('with nothing running says so at once', async () => {
    const { wait } = tools();
    expect((await wait.execute({}, ctx())).content).toBe('No background tasks are running; there is nothing to wait for.');
  });
});

describe('kill_background', () => {
  it('kills a task and everything it started, and no notice repeats it', async () => {
    const { m, run, kill } = tools();
    const mark = marker();
    await run.execute({ command: `setsid sleep ${mark} & echo up; sleep ${mark}` }, ctx());
    await outputContains(m, 'b1', 'up');
    const r = await kill.execute({ task_id: 'b1' }, ctx());
    expect(r.content).toMatch(/^b1 \(setsid sleep .*\): killed by the model \(SIGTERM\) after \S+\n/);
    expect(survivors(mark)).toEqual([]);
    expect(m.drainNotices()).toEqual([]);
    const again = await kill.execute({ task_id: 'b1' }, ctx());
    expect(again.content).toMatch(/^b1 had already ended: killed by the model \(SIGTERM\)\.\n/);
  });

  it('kills all', async () => {
    const { run, kill } = tools();
    const mark = marker();
    await run.execute({ command: `sleep ${mark}` }, ctx());
    await run.execute({ command: `sleep ${mark}` }, ctx());
    const r = await kill.execute({ task_id: 'all' }, ctx());
    expect(toolResultText(r.content).match(/killed by the model/g)).toHaveLength(2);
    expect(survivors(mark)).toEqual([]);
    expect((await kill.execute({ task_id: 'all' }, ctx())).content).toBe('No tasks are running.');
  });
});

describe('write_background', () => {
  it('writes to stdin, closes it, and refuses an ended task', async () => {
    const { m, run, write } = tools();
    await run.execute({ command: 'read a; echo "a=$a"; cat' }, ctx());
    expect((await write.execute({ task_id: 'b1', input: 'one\n' }, ctx())).content)
      .toBe("Wrote 4 bytes to b1's stdin. Use check_background or wait_background to see its response.");
    await outputContains(m, 'b1', 'a=one');
    const r = await write.execute({ task_id: 'b1', input: 'rest', close_stdin: true }, ctx());
    expect(r.content).toContain('and closed stdin');
    await m.wait(['b1'], 'all', 20_000);
    expect(m.readAll('b1')).toBe('a=one\nrest');
    const ended = await write.execute({ task_id: 'b1', input: 'x' }, ctx());
    expect(ended).toEqual({ content: 'Task b1 has ended (exited with code 0), so it cannot take input.', isError: true });
  });

  it('sends Ctrl-C to a tty task', async () => {
    const { m, run, write } = tools();
    const mark = marker();
    await run.execute({ command: `echo ready; sleep ${mark}`, tty: true }, ctx());
    await outputContains(m, 'b1', 'ready');
    const r = await write.execute({ task_id: 'b1', input: '\u0003' }, ctx());
    expect(r.content).toContain("b1's terminal");
    const done = await m.wait(['b1'], 'all', 20_000);
    expect(done.done[0].exitCode === 130 || done.done[0].signal === 'SIGINT').toBe(true);
    expect(survivors(mark)).toEqual([]);
  });
});

describe('tool specs', () => {
  it('give the model names, descriptions and schemas', () => {
    const { run, check, wait, kill, write } = tools();
    const specs = [run, check, wait, kill, write].map((t) => ({
      name: t.name,
      required: (t.inputSchema.required as string[] | undefined) ?? [],
      properties: Object.keys(t.inputSchema.properties as object),
    }));
    expect(specs).toEqual([
      { name: 'background_run', required: ['command'], properties: ['command', 'description', 'timeout_s', 'tty', 'notify_on', 'persistent'] },
      { name: 'check_background', required: [], properties: ['task_id', 'filter', 'tail'] },
      { name: 'wait_background', required: [], properties: ['task_ids', 'mode', 'timeout_s', 'until', 'port'] },
      { name: 'kill_background', required: ['task_id'], properties: ['task_id'] },
      { name: 'write_background', required: ['task_id', 'input'], properties: ['task_id', 'input', 'close_stdin'] },
    ]);
    expect(run.description).toMatch(/Don't poll or sleep/);
    expect(wait.description).toMatch(/instead of polling/);
    expect([check, wait].every((t) => t.readOnly)).toBe(true);
  });
});
