// A task that cannot start is failed_to_start at once, wherever it is asked for (E2BIG is thrown by spawn, not
// emitted), and the concurrency cap counts background tasks only.
import { describe, expect, it } from 'vitest';
import { createBackgroundRunTool } from '../../src/tools/background-run.js';
import { createBashTool } from '../../src/tools/bash.js';
import { makeManager } from './helpers.js';

const ctx = () => ({ signal: new AbortController().signal, toolUseId: 'toolu_1' });
/** One argument over Linux's per-argument limit (MAX_ARG_STRLEN, 128 KiB). */
const HUGE = `echo ${'x'.repeat(200_000)}`;

describe('commands that cannot start', () => {
  it('a command over the argument-size limit is failed_to_start at once, with no running task left', async () => {
    const m = makeManager();
    const ends: string[] = [];
    m.on('end', (t) => ends.push(`${t.id} ${t.status}`));
    const snap = m.start({ command: HUGE });
    expect(snap.status).toBe('failed_to_start');
    expect(snap.failReason).toMatch(/argument-size limit \(spawn E2BIG\).*write the long part to a file/);
    expect(ends).toEqual([`${snap.id} failed_to_start`]);
    expect(m.list().filter((t) => t.status === 'running')).toEqual([]);
    // Nothing to wait for: a wait with no ids returns at once with the failure (its end is unseen so far).
    const waited = await m.wait(undefined, 'all', 60_000);
    expect(waited.timedOut).toBe(false);
    expect(waited.pending).toEqual([]);
  });

  it('background_run and bash both report it as a failure to start, and no notice repeats it', async () => {
    const m = makeManager();
    const run = await createBackgroundRunTool(m).execute({ command: HUGE }, ctx());
    expect(run.isError).toBe(true);
    expect(run.content).toMatch(/^Task b1 ended at once: failed to start: .*E2BIG/);
    const bash = await createBashTool(m).execute({ command: HUGE }, ctx());
    expect(bash.isError).toBe(true);
    expect(bash.content).toMatch(/^The command failed to start: .*E2BIG/);
    expect(m.drainNotices()).toEqual([]);
  });

  it('the concurrency cap refuses background tasks only', async () => {
    const m = makeManager({ maxConcurrent: 2 });
    const a = m.start({ command: 'read x' });
    m.start({ command: 'read y' });
    expect(() => m.start({ command: 'true' })).toThrow(/2 tasks are already running, the limit is 2/);
    const fg = m.start({ command: 'echo fine', foreground: true });
    expect(fg.status).toBe('running');
    expect((await m.wait([fg.id], 'all', 10_000)).done[0]).toMatchObject({ status: 'exited', exitCode: 0 });
    m.write(a.id, '\n');
    await m.wait([a.id], 'all', 10_000);
    expect(m.start({ command: 'true' }).status).toBe('running');
  });
});
