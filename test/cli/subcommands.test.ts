// End-to-end: the command line's shape — a prompt without -p starts the interactive session with it sent,
// subcommands have their own help, and their errors are the user's to fix (exit 2, no stack).
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { runTandem, startTandem, testEnv, watch } from '../support/cli.js';
import { text, user } from '../support/conversation.js';
import { reply, withoutCacheControl } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

describe('command line', () => {
  it('sends a prompt given without -p as the first prompt of the session', async () => {
    t.server.enqueue(reply().text('Tests fixed.'));
    const w = watch(startTandem(['--permission-mode', 'bypassPermissions', 'fix', 'the tests'], { cwd: t.cwd, env: testEnv(t.server.url) }));
    await w.waitFor(/Tests fixed\./);
    w.child.stdin!.end();
    const run = await w.done;
    expect(run.code).toBe(0);
    expect(withoutCacheControl(t.server.requests[0]!.body.messages as Message[])).toEqual([user(text('fix the tests'))]);
  });

  it('gives subcommands their own help, listed in the main help', async () => {
    const main = await runTandem(['--help'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/^\s+sessions \[options\]\s+list this workspace's saved sessions/m);
    const sub = await runTandem(['sessions', '--help'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/Usage: tandem sessions \[options\]/);
  });

  it('says plainly when a subcommand is given a missing workspace', async () => {
    const run = await runTandem(['sessions', '--cwd', `${t.cwd}/missing`], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tandem: --cwd ${t.cwd}/missing: no such directory.\n`);
  });
});
