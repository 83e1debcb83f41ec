// Notices and interrupted turns, through the library API against the scripted model server: a notice queued
// while a turn is interrupted reaches the model in the next turn, once; a notice already sent in a request
// the user interrupted is not sent again.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { createSession, type Session } from '../../src/index.js';
import { tempDir } from '../support/cli.js';
import { reply, withoutCacheControl, type RecordedRequest } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function open(): Promise<Session> {
  const home = tempDir('tandem-home-');
  const cwd = t.cwd;
  cleanup.push(() => rmSync(home, { recursive: true, force: true }), () => rmSync(cwd, { recursive: true, force: true }));
  const session = await createSession({
    cwd, home, apiKey: 'sk-test', baseURL: t.server.url, model: 'claude-test', permissionMode: 'bypassPermissions',
  });
  cleanup.push(() => session.close());
  return session;
}

const noticeCount = (req: RecordedRequest, id: string) =>
  (JSON.stringify(withoutCacheControl(req.body.messages as Message[])).match(new RegExp(`<tandem-task-notice (key=\\\\"[0-9a-f]{12}\\\\" )?id=\\\\"${id}\\\\"`, 'g')) ?? []).length;

describe('notices and interrupted turns', () => {
  it('a notice queued while a turn is interrupted comes with the next turn, once', async () => {
    const session = await open();
    t.server.enqueue(reply().tool('background_run', { command: 'until [ -e go ]; do sleep 0.02; done; echo task-finished' }));
    t.server.enqueue(() => {
      writeFileSync(path.join(t.cwd, 'go'), '');
      return reply().tool('bash', { command: 'until [ -e never ]; do sleep 0.05; done' }, 'toolu_long');
    });
    const noticed = new Promise<void>((resolve) => session.tasks.once('notice', () => resolve()));
    const turn = session.prompt('start it, then wait');
    // Interrupted once the task's notice is queued (while the long command runs).
    void noticed.then(() => turn.interrupt());
    for await (const _ of turn) { /* drain events */ }
    expect((await turn.result).outcome).toBe('aborted');
    expect(t.server.requests).toHaveLength(2);
    expect(noticeCount(t.server.requests[1]!, 'b1')).toBe(0);

    t.server.enqueue(reply().text('It finished.'));
    expect((await session.prompt('and?').result).text).toBe('It finished.');
    expect(noticeCount(t.server.requests[2]!, 'b1')).toBe(1);
    t.server.enqueue(reply().text('Nothing new.'));
    await session.prompt('anything else?').result;
    expect(noticeCount(t.server.requests[3]!, 'b1')).toBe(1);
  });

  it('a notice sent in a request the user interrupted is in the history once, not sent again', async () => {
    const session = await open();
    t.server.enqueue(reply().tool('background_run', { command: 'until [ -e go ]; do sleep 0.02; done; echo task-finished' }));
    // The command lets the task end, then returns only once tandem has queued the task's notice.
    t.server.enqueue(reply().tool('bash', { command: 'touch go; until [ -e noticed ]; do sleep 0.02; done' }));
    t.server.enqueue(reply().text('Half a rep').hang());
    session.tasks.once('notice', () => writeFileSync(path.join(t.cwd, 'noticed'), ''));
    const turn = session.prompt('go');
    void t.server.waitForRequests(3, 30_000).then(() => turn.interrupt());
    for await (const _ of turn) { /* drain events */ }
    expect((await turn.result).outcome).toBe('aborted');
    expect(noticeCount(t.server.requests[2]!, 'b1')).toBe(1);

    t.server.enqueue(reply().text('Seen.'));
    expect((await session.prompt('next').result).text).toBe('Seen.');
    expect(noticeCount(t.server.requests[3]!, 'b1')).toBe(1);
  });
});
