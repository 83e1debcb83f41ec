// Notices exactly once, through the built binary: ten tasks ending together, a notice arriving during a
// wait_background or during compaction, across a resume, and never for an end a tool result already showed.
// Tasks are gated by a lock the test holds (or a file a reply creates), so the order of events is fixed
// without sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { runTandem, testEnv } from '../support/cli.js';
import { reply, withoutCacheControl, type RecordedRequest } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const BYPASS = ['--permission-mode', 'bypassPermissions'];
const holders: ChildProcess[] = [];
afterEach(() => { for (const h of holders.splice(0)) h.kill('SIGKILL'); });

/** Holds an exclusive lock on `file` until release() (resolves once it is held). */
async function holdLock(file: string): Promise<{ release: () => void }> {
  const child = spawn('flock', [file, '-c', 'echo held; read x'], { stdio: ['pipe', 'pipe', 'inherit'] });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => { if (String(d).includes('held')) resolve(); });
    child.once('error', reject);
  });
  return { release: () => child.stdin!.end() };
}

const messagesOf = (req: RecordedRequest) => withoutCacheControl(req.body.messages as Message[]);
/** Ids of the end notices (not output-match ones) in a request's whole conversation, in order. */
function noticeIds(req: RecordedRequest): string[] {
  const text = JSON.stringify(messagesOf(req));
  return [...text.matchAll(/<tandem-task-notice[^>]*? id=\\"(\w+)\\"[^>]*? status=\\"(?!running)/g)].map((m) => m[1]!);
}
const lastUser = (req: RecordedRequest) => JSON.stringify(messagesOf(req).at(-1));

describe('notices exactly once', () => {
  it('ten tasks ending in the same moment: ten notices, each once', async () => {
    const lock = path.join(t.cwd, 'gate.lock');
    const gate = await holdLock(lock);
    const start = reply();
    for (let i = 1; i <= 10; i++) start.tool('background_run', { command: `flock -s ${lock} true; echo done-${i}` });
    t.server.enqueue(start);
    // All ten wait on one shared lock; releasing it lets them all exit together.
    t.server.enqueue(() => {
      gate.release();
      return reply().text('Started ten.');
    });
    t.server.enqueue(reply().text('All ten are done.'));
    const run = await runTandem([...BYPASS, '-p', 'run ten'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('All ten are done.\n');
    expect(t.server.requests).toHaveLength(3);
    const ids = noticeIds(t.server.requests[2]!);
    expect([...ids].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b${i + 1}`).sort());
    for (let i = 1; i <= 10; i++) expect(lastUser(t.server.requests[2]!)).toContain(`done-${i}`);
  });

  it('a notice arriving during a wait_background for another task comes once, after the wait', async () => {
    const lock = path.join(t.cwd, 'b1.lock');
    // b1 holds a lock for its whole life; b2 ends only once it can take the lock, i.e. after b1 has exited.
    t.server.enqueue(reply()
      .tool('background_run', { command: `exec 9>${lock}; flock 9; touch held; until [ -e go ]; do sleep 0.02; done; echo first-ended` })
      .tool('background_run', { command: `until [ -e held ]; do sleep 0.02; done; flock ${lock} echo second-ended` }));
    t.server.enqueue(() => {
      writeFileSync(path.join(t.cwd, 'go'), '');
      return reply().tool('wait_background', { task_ids: ['b2'], timeout_s: 60 });
    });
    const react = (req: RecordedRequest) => reply().text(noticeIds(req).includes('b1') ? 'Both ended.' : 'Waiting.');
    t.server.enqueue(react, react);
    const run = await runTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Both ended\.\n$/);
    const last = t.server.requests.at(-1)!;
    // b1 was noticed once; b2's end was in the wait's result, so it never gets a notice.
    expect(noticeIds(last)).toEqual(['b1']);
    expect(lastUser(t.server.requests[2]!)).toMatch(/Ended: b2\./);
  });

  it('an end shown by wait_background (any task) is never noticed', async () => {
    t.server.enqueue(reply().tool('background_run', { command: 'until [ -e go ]; do sleep 0.02; done; echo ended-here' }));
    t.server.enqueue(() => {
      writeFileSync(path.join(t.cwd, 'go'), '');
      return reply().tool('wait_background', { timeout_s: 60 });
    });
    t.server.enqueue(reply().text('Seen it.'));
    const run = await runTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(t.server.requests).toHaveLength(3);
    expect(lastUser(t.server.requests[2]!)).toContain('ended-here');
    expect(noticeIds(t.server.requests[2]!)).toEqual([]);
  });

  it('a notice arriving during compaction is delivered once, after it, and a resume does not repeat it', async () => {
    const env = testEnv(t.server.url, { TANDEM_CONTEXT_WINDOW: '10000' });
    const lock = path.join(t.cwd, 'gate.lock');
    const gate = await holdLock(lock);
    t.server.enqueue(reply().tool('background_run', { command: `flock -s ${lock} true; echo built-ok` }));
    // This reply's usage puts the context past the threshold: the next request is preceded by a summary.
    t.server.enqueue(reply().tool('bash', { command: 'echo tool-output' }).usage({ input_tokens: 9000 }));
    t.server.enqueue(() => {
      gate.release(); // the task ends while the conversation is being summarised
      return reply().text('SUMMARY: a build runs in the background as b1.');
    });
    const react = (req: RecordedRequest) => reply().text(noticeIds(req).includes('b1') ? 'The build passed.' : 'Waiting for the build.');
    t.server.enqueue(react, react);
    const run = await runTandem([...BYPASS, '-p', 'build it'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/compacting/);
    expect(run.stdout).toMatch(/The build passed\.\n$/);
    const last = t.server.requests.at(-1)!;
    expect(noticeIds(last)).toEqual(['b1']);

    // Resumed: the notice is in the history once, and nothing delivers it again.
    const before = t.server.requests.length;
    t.server.enqueue(reply().text('Still passed.'));
    const next = await runTandem([...BYPASS, '-p', '--continue', 'and now?'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(t.server.requests).toHaveLength(before + 1);
    expect(noticeIds(t.server.requests.at(-1)!)).toEqual(['b1']);
  });
});
