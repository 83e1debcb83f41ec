import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/core/types.js';
import { createBashTool } from '../../src/tools/bash.js';
import { makeManager, marker, survivors } from '../tasks/helpers.js';
import { toolResultText } from '../../src/core/text.js';

const ctx = (over: Partial<ToolContext> = {}): ToolContext => ({
  signal: new AbortController().signal, toolUseId: 'toolu_1', ...over,
});

describe('bash tool', () => {
  it('runs a command and returns its output', async () => {
    const bash = createBashTool(makeManager());
    expect(await bash.execute({ command: 'echo hello; echo oops >&2', description: 'greet' }, ctx())).toEqual({
      content: 'hello\noops',
      details: {
        kind: 'command', command: 'echo hello; echo oops >&2', description: 'greet', exitCode: 0, signal: null,
        timedOut: false, interrupted: false, durationMs: expect.any(Number),
      },
    });
    expect(await bash.execute({ command: 'true' }, ctx())).toMatchObject({ content: '(no output)' });
    expect(bash.summarize!({ command: 'echo step 1', description: 'step' })).toBe('echo step 1 (step)');
  });

  it('reports a non-zero exit in the text, not as a tool error', async () => {
    const bash = createBashTool(makeManager());
    const r = await bash.execute({ command: 'echo partial; exit 3' }, ctx());
    expect(r).toMatchObject({ content: 'partial\n[exited with code 3]', details: { exitCode: 3, signal: null } });
    expect(r.isError).toBeUndefined();
    // A shell reports its child's death by signal as 128+N: never "exit 0", and the text names the signal.
    const killed = await bash.execute({ command: 'sleep 30 & kill -TERM $!; wait $!' }, ctx());
    expect(killed.details).toMatchObject({ exitCode: 143, interrupted: false });
    expect(killed.content).toMatch(/ended by SIGTERM/);
    const nf = await bash.execute({ command: 'no-such-command-xyz' }, ctx());
    expect(nf.isError).toBeFalsy();
    expect(nf.content).toMatch(/no-such-command-xyz: command not found\n\[exited with code 127 \(command not found\)\]$/);
  });

  it('bounds long output to head and tail with the full log path', async () => {
    const m = makeManager();
    const bash = createBashTool(m);
    const r = await bash.execute({ command: 'seq 1 100000' }, ctx());
    expect(r.content.length).toBeLessThan(31_000);
    expect(toolResultText(r.content).startsWith('1\n2\n3\n')).toBe(true);
    expect(toolResultText(r.content).endsWith('99999\n100000')).toBe(true);
    expect(r.content).toMatch(/\[\.\.\. \d+ bytes elided; full log: \/.*\/f1\.log \.\.\.\]/);
  });

  it('a command that backgrounds a process returns at once and leaves nothing behind', async () => {
    const bash = createBashTool(makeManager());
    const mark = marker();
    const started = Date.now();
    const r = await bash.execute({ command: `sleep ${mark} & echo launched` }, ctx());
    expect(r.content).toBe('launched');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(survivors(mark)).toEqual([]);
  });

  it('moves a command that outlives its timeout to the background instead of killing it', async () => {
    const m = makeManager();
    const bash = createBashTool(m);
    const r = await bash.execute({ command: 'echo before; read x; echo "after $x"', timeout: 0.5 }, ctx());
    expect(r.isError).toBeFalsy();
    expect(r.content).toMatch(/^before\n\[still running after 500ms: moved to the background as task f1, not killed\./);
    expect(r.content).toContain('wait_background');
    expect(m.get('f1')).toMatchObject({ status: 'running', foreground: false });
    m.write('f1', 'done\n');
    await m.wait(['f1'], 'all', 20_000);
    const [notice] = m.drainNotices();
    expect(notice.task).toMatchObject({ id: 'f1', status: 'exited', exitCode: 0 });
    expect(notice.tail).toContain('after done');
    // What the bash result showed is not shown again.
    expect(m.readNew('f1')).toBe('after done');
  });

  it('returns at once when the person moves the running command to the background', async () => {
    const m = makeManager();
    const bash = createBashTool(m);
    const mark = marker();
    const starting = new Promise<string>((resolve) => m.on('start', (t) => resolve(t.id)));
    const running = bash.execute({ command: `echo started; sleep ${mark}; echo finished` }, ctx());
    const started = await starting;
    m.background(started);
    const result = await running;
    expect(result.isError).toBeFalsy();
    expect(result.content).toMatch(new RegExp(`the user moved it to the background: moved to the background as task ${started}`));
    expect(m.get(started)).toMatchObject({ status: 'running', foreground: false });
    // Its processes start a moment after the task does (the supervisor forks them): wait until they run.
    await m.waitForStartup(started);
    expect(survivors(mark).length).toBeGreaterThan(0);
    await m.kill(started, 'user');
  });

  it('a user interrupt kills the whole tree and says so', async () => {
    const m = makeManager();
    const bash = createBashTool(m);
    const mark = marker();
    const ac = new AbortController();
    const r = await bash.execute(
      { command: `sleep ${mark} & echo started; sleep ${mark}` },
      ctx({ signal: ac.signal, onProgress: (text) => { if (text.includes('started')) ac.abort(); } }),
    );
    expect(r.content).toBe('started\n[interrupted by the user: killed by the user (SIGTERM)]');
    expect(survivors(mark)).toEqual([]);
    expect(m.drainNotices()).toEqual([]);
  });

  it('streams output lines to onProgress', async () => {
    const bash = createBashTool(makeManager());
    const seen: string[] = [];
    await bash.execute({ command: 'echo one; echo two; printf three' }, ctx({ onProgress: (t) => seen.push(t) }));
    expect(seen.join('\n').split('\n')).toEqual(['one', 'two', 'three']);
  });

  it('validates input, and runs even when the background tasks fill the concurrency cap', async () => {
    const m = makeManager({ maxConcurrent: 1 });
    const bash = createBashTool(m, { maxTimeoutS: 600 });
    expect((await bash.execute({}, ctx())).content).toMatch(/^Invalid input for bash: command/);
    expect((await bash.execute({ command: 'true', timeout: 601 }, ctx())).isError).toBe(true);
    const reader = m.start({ command: 'read x; echo got $x' });
    // The cap is for background tasks: the command that lets them end must still run.
    expect(await bash.execute({ command: 'echo still runs' }, ctx())).toMatchObject({ content: 'still runs' });
    expect(() => m.start({ command: 'true' })).toThrow(/limit is 1: b1 \(read x/);
    m.write(reader.id, 'it\n');
    await m.wait([reader.id], 'all', 10_000);
    expect(bash.inputSchema).toMatchObject({
      type: 'object', required: ['command'],
      properties: { command: { type: 'string' }, timeout: { type: 'number' }, description: { type: 'string' } },
    });
  });
});
