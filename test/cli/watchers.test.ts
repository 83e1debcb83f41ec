// End to end through the built binary: a dev server waited for until its "Local:" line or its port, notify_on
// notices reaching the model in print mode, model regexes that cannot hang tandem (nor stop a signal), a
// command over the argument-size limit, and the concurrency cap leaving foreground commands alone.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContentBlock, Message } from '../../src/core/types.js';
import { collect, runTandem, startTandem, testEnv, watch } from '../support/cli.js';
import { reply, withoutCacheControl, type RecordedRequest } from '../support/model-server.js';
import { freePort } from '../support/ports.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const BYPASS = ['--permission-mode', 'bypassPermissions'];

/** Text of the tool results and notices in the last user message of a request. */
function lastUserText(req: RecordedRequest): string {
  const last = withoutCacheControl(req.body.messages as Message[]).at(-1)!;
  return (last.content as ContentBlock[]).map((b) => {
    if (b.type === 'text') return b.text;
    if (b.type === 'tool_result') return typeof b.content === 'string' ? b.content : JSON.stringify(b.content);
    return '';
  }).join('\n');
}

/** A small dev server: waits for a `go` file in its folder, then listens (PORT, default any) and says where. */
const DEV_SERVER = `
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
console.log('starting dev server');
const timer = setInterval(() => {
  if (!existsSync('go')) return;
  clearInterval(timer);
  const server = createServer((req, res) => res.end('hi'));
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    if (process.env.QUIET !== '1') console.log('  \\u279c  Local:   http://127.0.0.1:' + server.address().port + '/');
  });
}, 10);
`;

describe('watchers end to end', () => {
  it('wait_background until the dev server prints "Local:", then until its port', async () => {
    writeFileSync(path.join(t.cwd, 'server.mjs'), DEV_SERVER);
    const go = () => writeFileSync(path.join(t.cwd, 'go'), '');
    let port = 0;
    t.server.enqueue(reply().tool('background_run', { command: 'node server.mjs', description: 'dev server' }));
    // Only once the start result is in does the server get to listen: its line comes during the wait.
    t.server.enqueue(() => {
      go();
      return reply().tool('wait_background', { task_ids: ['b1'], until: 'Local:', timeout_s: 60 });
    });
    t.server.enqueue((req) => {
      port = Number(/127\.0\.0\.1:(\d+)/.exec(lastUserText(req))![1]);
      return reply().tool('wait_background', { task_ids: ['b1'], port, timeout_s: 60 });
    });
    t.server.enqueue(reply().tool('kill_background', { task_id: 'b1' }));
    t.server.enqueue(reply().text('The server was up.'));
    const run = await runTandem([...BYPASS, '-p', 'start the dev server'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The server was up.\n');
    const untilResult = lastUserText(t.server.requests[2]!);
    expect(untilResult).toMatch(/^Condition met: output of b1 matched \/Local:\/:\n {4}➜ {2}Local: {3}http:\/\/127\.0\.0\.1:\d+\/\nStill running: b1\./);
    const portResult = lastUserText(t.server.requests[3]!);
    expect(portResult).toMatch(new RegExp(`^Condition met: something is listening on port ${port}\\.\\nStill running: b1\\.`));
  });

  it('wait_background until a port for a server that prints nothing', async () => {
    writeFileSync(path.join(t.cwd, 'server.mjs'), DEV_SERVER);
    const port = await freePort();
    t.server.enqueue(reply().tool('background_run', { command: `QUIET=1 PORT=${port} node server.mjs` }));
    t.server.enqueue(() => {
      writeFileSync(path.join(t.cwd, 'go'), '');
      return reply().tool('wait_background', { port, timeout_s: 60 });
    });
    t.server.enqueue(reply().tool('kill_background', { task_id: 'b1' }));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(lastUserText(t.server.requests[2]!)).toMatch(new RegExp(`^Condition met: something is listening on port ${port}\\.`));
  });

  it('notify_on: a matching line reaches the model as a notice in print mode, once, while the task runs', async () => {
    t.server.enqueue(reply().tool('background_run', {
      command: 'echo compiling; while [ ! -e go ]; do sleep 0.02; done; echo "ERROR in src/app.ts: missing ;"; echo fine; exec sleep 600',
      description: 'watcher', notify_on: 'ERROR',
    }));
    t.server.enqueue(reply().tool('bash', { command: 'touch go' }));
    // Whenever the notice arrives (with the bash result or in a turn of its own), the model kills the watcher.
    const react = (req: RecordedRequest) => {
      const text = lastUserText(req);
      if (text.includes('event="output_matched"')) return reply().tool('kill_background', { task_id: 'b1' });
      if (/killed by the model/.test(text)) return reply().text('Fixed the error.');
      return reply().text('Waiting for the watcher.');
    };
    t.server.enqueue(react, react, react);
    const run = await runTandem([...BYPASS, '-p', 'watch the build'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Fixed the error\.\n$/);
    const all = JSON.stringify(t.server.requests.at(-1)!.body.messages);
    expect(all.split('event=\\"output_matched\\"').length - 1).toBe(1);
    const notice = t.server.requests.map(lastUserText).find((x) => x.includes('output_matched'))!;
    expect(notice).toContain('background task b1 printed 1 line matching its notify_on pattern /ERROR/ (it is still running)');
    expect(notice).toContain('matching lines:\nERROR in src/app.ts: missing ;');
    expect(notice).not.toMatch(/^(compiling|fine)$/m);
  });
});

const EVIL_LINE = `${'a'.repeat(45)}!`;

/**
 * The model filters a log of 45-character lines with `(a+)+$` (a backtracking engine takes hours per line).
 * The task prints only after its start result is in, and a foreground command waits until it has printed.
 */
function scriptEvilFilter(): void {
  writeFileSync(path.join(t.cwd, 'big.txt'), `${EVIL_LINE}\n`.repeat(90_000));
  t.server.enqueue(reply().tool('background_run', { command: 'while [ ! -e go ]; do sleep 0.02; done; cat big.txt; echo END; exec sleep 600' }));
  t.server.enqueue((req) => {
    const log = /log: (\S+b1\.log)/.exec(lastUserText(req))![1];
    writeFileSync(path.join(t.cwd, 'go'), '');
    return reply().tool('bash', { command: `until grep -q '^END$' '${log}'; do sleep 0.05; done; echo printed` });
  });
  t.server.enqueue(reply().tool('check_background', { task_id: 'b1', filter: '(a+)+$' }));
}

describe('model regexes cannot hang tandem', () => {
  it('check_background with (a+)+$ over 45-character lines answers', async () => {
    scriptEvilFilter();
    t.server.enqueue(reply().tool('kill_background', { task_id: 'b1' }));
    t.server.enqueue(reply().text('no matches'));
    const run = await runTandem([...BYPASS, '-p', 'filter'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('no matches\n');
    expect(lastUserText(t.server.requests[3]!)).toMatch(/^b1 \(.*\): running for .*\n(\[filter stopped after 1s.*\]|\(no new output matching \/\(a\+\)\+\$\/\))/);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops tandem while the filter runs`, async () => {
      scriptEvilFilter();
      t.server.enqueue(reply().text('never asked').hang());
      const child = watch(startTandem([...BYPASS, '-p', 'filter'], { cwd: t.cwd, env: testEnv(t.server.url) }));
      await child.waitFor(/check_background/, { stream: 'stderr', timeoutMs: 30_000 });
      child.child.kill(signal);
      const run = await child.done;
      // Before linear-time patterns, only the safety net's SIGKILL ended it.
      expect(run.signal).toBeNull();
      expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
    });
  }
});

describe('commands that cannot start, and the cap', () => {
  it('a command over the argument-size limit fails to start at once; print mode does not wait for it', async () => {
    t.server.enqueue(reply().tool('background_run', { command: `echo ${'x'.repeat(200_000)}` }));
    t.server.enqueue(reply().text('It could not start.'));
    const run = await runTandem([...BYPASS, '-p', 'go', '--wait-tasks', '600'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('It could not start.\n');
    expect(run.stderr).not.toMatch(/waiting for/);
    expect(lastUserText(t.server.requests[1]!)).toMatch(/^Task b1 ended at once: failed to start: .*argument-size limit \(spawn E2BIG\)/);
    expect(t.server.requests).toHaveLength(2);
  });

  it('with the cap full, background_run is refused but a foreground bash still runs', async () => {
    t.server.enqueue(reply().tool('background_run', { command: 'while [ ! -e stop ]; do sleep 0.02; done; echo stopped' }));
    t.server.enqueue(reply().tool('background_run', { command: 'echo second' }));
    t.server.enqueue(reply().tool('bash', { command: 'touch stop; echo touched' }));
    // b1's notice comes with the bash result or in a turn of its own, whichever its end makes.
    const react = (req: RecordedRequest) => reply().text(lastUserText(req).includes('stopped') ? 'It ended.' : 'Stopped it.');
    t.server.enqueue(react, react);
    const run = await runTandem([...BYPASS, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url, { TANDEM_MAX_TASKS: '1' }) });
    expect(run.code).toBe(0);
    expect(lastUserText(t.server.requests[2]!)).toMatch(/1 tasks are already running, the limit is 1: b1/);
    expect(lastUserText(t.server.requests[3]!)).toMatch(/^touched/);
    expect(existsSync(path.join(t.cwd, 'stop'))).toBe(true);
    expect(run.stdout).toBe('It ended.\n');
    expect(JSON.stringify(t.server.requests.at(-1)!.body.messages).match(/<tandem-task-notice[^>]*? id=\\"b1\\"/g)).toHaveLength(1);
  });
});
