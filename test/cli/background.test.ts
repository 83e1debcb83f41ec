// End-to-end: background tasks through the built binary — notices delivered once, in the trailing user message,
// print mode waiting for running tasks, and no process left behind on any exit path.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContentBlock, Message } from '../../src/core/types.js';
import { collect, runTandem, startTandem, testEnv, watch } from '../support/cli.js';
import { reply, withoutCacheControl } from '../support/model-server.js';
import { escapees, eventually, marker, survivors } from '../support/processes.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

const messagesOf = (i: number) => withoutCacheControl(t.server.requests[i]!.body.messages as Message[]);
const noticeCount = (messages: Message[]) =>
  JSON.stringify(messages).split('<tandem-task-notice ').length - 1;

/** These tests are about processes, not permissions: let every command run. */
const BYPASS = ['--permission-mode', 'bypassPermissions'];

describe('background tasks end to end', () => {
  it('print mode waits for a running task and gives the model a turn with its notice, once', async () => {
    // The task ends only once print mode says it waits for it (not after a time that races the start check).
    t.server.enqueue(reply().text('Starting it.').tool('background_run', { command: 'until [ -e go ]; do sleep 0.02; done; echo bg-finished' }));
    t.server.enqueue(reply().text('Started; I will be told when it ends.'));
    t.server.enqueue(reply().text('The task finished.'));
    const tandem = watch(startTandem([...BYPASS, '-p', 'run it in the background'], { cwd: t.cwd, env: testEnv(t.server.url) }));
    await tandem.waitFor(/waiting for 1 background task/, { stream: 'stderr', timeoutMs: 30_000 });
    writeFileSync(path.join(t.cwd, 'go'), '');
    const run = await tandem.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The task finished.\n');
    expect(t.server.requests).toHaveLength(3);
    const third = messagesOf(2);
    const last = third.at(-1)!;
    expect(last.role).toBe('user');
    const notice = (last.content as ContentBlock[]).find((b) => b.type === 'text' && b.text.includes('<tandem-task-notice'));
    expect(notice && notice.type === 'text' && notice.text).toMatch(/exited with code 0[\s\S]*bg-finished/);
    expect(noticeCount(third)).toBe(1);
    expect(run.stderr).toMatch(/waiting for 1 background task/);
  });

  it('merges a notice into the user message after the tool results, and never repeats it', async () => {
    // Events, not time: the task holds a lock for its whole life and prints only once the foreground command
    // lets it; that command then returns only when the lock is free, i.e. after the task has exited.
    t.server.enqueue(reply().tool('background_run', {
      command: 'exec 9>b1.lock; flock 9; touch locked; until [ -e go ]; do sleep 0.02; done; echo quick-one',
    }, 'toolu_bg'));
    t.server.enqueue(reply().tool('bash', {
      command: 'until [ -e locked ]; do sleep 0.02; done; touch go; flock b1.lock echo slept',
    }, 'toolu_sleep'));
    t.server.enqueue(reply().tool('bash', { command: 'echo again' }, 'toolu_again'));
    t.server.enqueue(reply().text('All done.'));
    const run = await runTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    // The task's exit and the command's are a few steps apart in tandem: the notice rides with the first tool
    // result after it (almost always the flock command's), as a text block after the results.
    const carrier = [2, 3].find((i) => JSON.stringify(messagesOf(i).at(-1)).includes('quick-one'))!;
    expect(carrier).toBeDefined();
    const last = messagesOf(carrier).at(-1)!;
    expect(last.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
    expect((last.content[0] as { tool_use_id: string }).tool_use_id).toBe(carrier === 2 ? 'toolu_sleep' : 'toolu_again');
    expect(JSON.stringify(last.content[1])).toContain('quick-one');
    // The fourth request carries the same conversation: the notice appears once, not twice.
    expect(noticeCount(messagesOf(3))).toBe(1);
    for (const req of t.server.requests) expect((req.body.messages as Message[]).at(-1)!.role).toBe('user');
  });

  it('stops waiting at --wait-tasks, says what was still running, and kills it', async () => {
    const m = marker();
    t.server.enqueue(reply().tool('background_run', { command: `sleep ${m}`, description: 'a long sleeper' }));
    t.server.enqueue(reply().text('It runs on.'));
    const run = await runTandem([...BYPASS, '-p', 'go', '--wait-tasks', '1', '--output-format', 'json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.stderr).toMatch(/--wait-tasks limit \(1s\) reached; killing still-running tasks: .*sleep/);
    expect(JSON.parse(run.stdout).tasks_still_running).toHaveLength(1);
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`leaves no process behind when tandem gets ${signal}`, async () => {
      const m = marker();
      t.server.enqueue(reply().tool('background_run', { command: escapees(m) }));
      t.server.enqueue(reply().text('waiting...').hang());
      const child = startTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
      const done = collect(child);
      await t.server.waitForRequests(2);
      expect(await eventually(() => survivors(m).length >= 6)).toBe(true);
      child.kill(signal);
      const run = await done;
      expect(run.code).not.toBe(0);
      expect(await eventually(() => survivors(m).length === 0)).toBe(true);
    });
  }

  it('leaves no process behind even when tandem is SIGKILLed, and the next start is clean', async () => {
    // Task wrappers die with tandem (setpriv --pdeathsig); where that is unavailable, the next start reaps them
    // from the registry (test/tasks/reap.test.ts covers that path on its own).
    const m = marker();
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().tool('background_run', { command: escapees(m) }));
    t.server.enqueue(reply().text('waiting...').hang());
    const child = startTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env });
    const done = collect(child);
    await t.server.waitForRequests(2);
    expect(await eventually(() => survivors(m).length >= 6)).toBe(true);
    child.kill('SIGKILL');
    await done;
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);
    t.server.enqueue(reply().text('hello again'));
    const next = await runTandem([...BYPASS, '-p', 'hi'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('hello again\n');
  });
});
