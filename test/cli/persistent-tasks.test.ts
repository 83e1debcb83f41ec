// End to end through the built binary: a persistent dev server outlives `tandem -p`, `tandem tasks` lists it,
// `tandem -c` re-attaches to it (the model is told it still runs), and `tandem tasks kill` ends it from the shell.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { freePort } from '../support/ports.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const BYPASS = ['--permission-mode', 'bypassPermissions'];
let cleanup: (() => Promise<unknown>) | undefined;
afterEach(async () => { await cleanup?.(); cleanup = undefined; });

async function answers(port: number): Promise<string | undefined> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } catch {
    return undefined;
  }
}

describe('persistent tasks end to end', () => {
  it('a dev server outlives tandem -p, is re-attached by -c and killed with tandem tasks kill', async () => {
    const port = await freePort();
    writeFileSync(path.join(t.cwd, 'server.js'), `require('node:http').createServer((q, r) => r.end('hello from dev')).listen(${port}, '127.0.0.1', () => console.log('Local: http://127.0.0.1:${port}/'));\n`);
    const env = testEnv(t.server.url);
    cleanup = () => runTandem(['tasks', 'kill', 'all'], { cwd: t.cwd, env });

    t.server.enqueue(reply().tool('background_run', { command: 'node server.js', description: 'dev server', persistent: true }));
    t.server.enqueue(reply().tool('wait_background', { task_ids: ['b1'], port, timeout_s: 30 }));
    t.server.enqueue(reply().text('The dev server is up.'));
    const run = await runTandem([...BYPASS, '-p', 'start the dev server and keep it'], { cwd: t.cwd, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('The dev server is up.\n');
    expect(run.stderr).toMatch(/1 persistent task keeps running: b1 \(node server\.js\)/);
    // tandem has exited; the server has not.
    expect(await answers(port)).toBe('hello from dev');

    const listed = await runTandem(['tasks'], { cwd: t.cwd, env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/b1\s+running for .*node server\.js/);
    const logs = await runTandem(['tasks', 'logs', 'b1'], { cwd: t.cwd, env });
    expect(logs.stdout).toContain(`Local: http://127.0.0.1:${port}/`);

    // A resumed session is told the task still runs, once.
    t.server.enqueue(reply().text('It is still up.'));
    const resumed = await runTandem([...BYPASS, '-c', '-p', 'is it still running?'], { cwd: t.cwd, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/re-attached to persistent task b1 \(node server\.js\), still running/);
    const sent = JSON.stringify(t.server.requests.at(-1)!.body.messages);
    expect(sent.split('is still running (started before tandem restarted; re-attached)').length - 1).toBe(1);

    const unknown = await runTandem(['tasks', 'kill', 'b9'], { cwd: t.cwd, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no persistent task b9\. `tandem tasks` lists them/);
    const killed = await runTandem(['tasks', 'kill', 'b1'], { cwd: t.cwd, env });
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toMatch(/^b1: killed \(\d+ process/);
    expect(await answers(port)).toBeUndefined();
    const after = await runTandem(['tasks'], { cwd: t.cwd, env });
    expect(after.stdout).toMatch(/b1\s+killed by the user/);

    // The next resume hears how it ended, with the real status, once.
    t.server.enqueue(reply().text('Noted.'));
    const again = await runTandem([...BYPASS, '-c', '-p', 'and now?'], { cwd: t.cwd, env });
    expect(again.code, again.stderr).toBe(0);
    const told = JSON.stringify(t.server.requests.at(-1)!.body.messages);
    expect(told).toMatch(/background task b1 ended: killed by the user/);
    const finalList = await runTandem(['tasks'], { cwd: t.cwd, env });
    expect(finalList.stdout).toMatch(/No persistent tasks/);
  });
});
