// End-to-end: the plain line REPL (stdin is a pipe, not a terminal) through the built binary — history across
// turns, the ways out, a task ending while idle (waking the agent, or waiting for the next turn), and the task
// and session slash commands. Ctrl+C cannot be sent down a pipe; the terminal UI tests cover it.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { startTandem, testEnv, watch, type Watched } from '../support/cli.js';
import { assistant, text, user } from '../support/conversation.js';
import { reply, withoutCacheControl } from '../support/model-server.js';
import { eventually, marker, survivors } from '../support/processes.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

const BYPASS = ['--permission-mode', 'bypassPermissions'];
const messagesOf = (i: number) => withoutCacheControl(t.server.requests[i]!.body.messages as Message[]);
/** Task notices in a request part (of one task, if `id` is given). */
const noticeCount = (value: unknown, id?: string) =>
  (JSON.stringify(value).match(new RegExp(id ? `<tandem-task-notice (key=\\\\"[0-9a-f]{12}\\\\" )?id=\\\\"${id}\\\\"` : '<tandem-task-notice ', 'g')) ?? []).length;

interface Repl extends Watched {
  /** Types a line (stdin stays open). */
  send(line: string): void;
  /** Waits for `re` on stdout, after what was there when `send` was last called. */
  expectOut(re: RegExp): Promise<RegExpExecArray>;
}

function startRepl(args: string[] = [], env: Record<string, string> = {}): Repl {
  const w = watch(startTandem([...BYPASS, ...args], { cwd: t.cwd, env: testEnv(t.server.url, env) }));
  let from = 0;
  return Object.assign(Object.create(w) as Watched, {
    send(line: string) {
      from = w.stdout.length;
      w.child.stdin!.write(`${line}\n`);
    },
    expectOut: (re: RegExp) => w.waitFor(re, { from }),
  });
}

describe('plain REPL', () => {
  it('keeps the conversation across turns and exits 0 on exit', async () => {
    const repl = startRepl();
    await repl.expectOut(/tandem> /);
    t.server.enqueue(reply().text('First answer.'));
    repl.send('first question');
    await repl.expectOut(/First answer\.\n/);
    t.server.enqueue(reply().text('Second answer.'));
    repl.send('second question');
    await repl.expectOut(/Second answer\.\n/);
    expect(messagesOf(1)).toEqual([user(text('first question')), assistant(text('First answer.')), user(text('second question'))]);
    repl.send('exit');
    const run = await repl.done;
    expect(run.code).toBe(0);
    expect(t.server.requests).toHaveLength(2);
  });

  for (const [how, leave] of [
    ['exit', (r: Repl) => r.send('exit')],
    ['quit', (r: Repl) => r.send('quit')],
    ['closing stdin (Ctrl+D)', (r: Repl) => r.child.stdin!.end()],
  ] as const) {
    it(`exits 0 on ${how} and kills the running tasks`, async () => {
      const m = marker();
      const repl = startRepl();
      t.server.enqueue(reply().tool('background_run', { command: `sleep ${m}` }));
      t.server.enqueue(reply().text('It is running.'));
      repl.send('start it');
      await repl.expectOut(/It is running\.\n/);
      expect(survivors(m).length).toBeGreaterThan(0);
      leave(repl);
      expect((await repl.done).code).toBe(0);
      expect(await eventually(() => survivors(m).length === 0)).toBe(true);
    });
  }

  it('wakes the idle agent when a task ends, with the notice and no typed input', async () => {
    const repl = startRepl();
    t.server.enqueue(reply().tool('background_run', { command: 'sleep 0.5; echo woke' }));
    t.server.enqueue(reply().text('Started it; I will wait.'));
    t.server.enqueue(reply().text('The task woke me.'));
    repl.send('run it in the background');
    await repl.expectOut(/Started it; I will wait\.\n/);
    await repl.expectOut(/\[task b1 exited with code 0: sleep 0\.5; echo woke\][\s\S]*The task woke me\.\n/);
    expect(t.server.requests).toHaveLength(3);
    const woken = messagesOf(2);
    expect(woken.slice(0, -1)).toEqual(messagesOf(1).concat([assistant(text('Started it; I will wait.'))]));
    const last = woken.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toHaveLength(1);
    expect(JSON.stringify(last)).toMatch(/<tandem-task-notice (key=\\"[0-9a-f]{12}\\" )?id=\\"b1\\" status=\\"exited\\"[\s\S]*woke/);
    repl.send('exit');
    expect((await repl.done).code).toBe(0);
  });

  it('with --notify next-turn, shows the line but tells the model with the next prompt, once', async () => {
    const repl = startRepl(['--notify', 'next-turn']);
    t.server.enqueue(reply().tool('background_run', { command: 'sleep 0.3; echo finished-quietly' }));
    t.server.enqueue(reply().text('Started it.'));
    repl.send('run it in the background');
    await repl.expectOut(/Started it\.\n/);
    await repl.waitFor(/\[task b1 exited with code 0: sleep 0\.3; echo finished-quietly\]/);
    // A local command is a sync point: in wake mode the agent's turn would have gone first.
    repl.send('/tasks');
    await repl.expectOut(/b1\s+exited/);
    expect(t.server.requests).toHaveLength(2);

    t.server.enqueue(reply().text('I see it finished.'));
    repl.send('how did it go?');
    await repl.expectOut(/I see it finished\.\n/);
    const last = messagesOf(2).at(-1)!;
    expect(last.content[0]).toEqual({ type: 'text', text: 'how did it go?' });
    expect(noticeCount(last)).toBe(1);
    expect(JSON.stringify(last)).toContain('finished-quietly');

    t.server.enqueue(reply().text('Fine.'));
    repl.send('anything else?');
    await repl.expectOut(/Fine\.\n/);
    expect(noticeCount(messagesOf(3))).toBe(1);
    expect(messagesOf(3).at(-1)).toEqual(user(text('anything else?')));
    repl.send('exit');
    expect((await repl.done).code).toBe(0);
  });

  it('/tasks lists tasks with status and runtime, /kill ID kills, and the model hears of it once', async () => {
    const m = marker();
    const repl = startRepl();
    t.server.enqueue(reply()
      .tool('background_run', { command: `sleep ${m}` })
      .tool('background_run', { command: `sleep ${m}`, description: 'second sleeper' }));
    t.server.enqueue(reply().text('Both started.'));
    repl.send('start two');
    await repl.expectOut(/Both started\.\n/);

    repl.send('/tasks');
    await repl.expectOut(new RegExp(`b1\\s+running\\s+\\d+(ms|\\.\\ds)\\s+sleep ${m}\\n\\s+b2\\s+running\\s+\\S+\\s+second sleeper`));

    t.server.enqueue(reply().text('Noted: b1 was killed.'));
    repl.send('/kill b1');
    await repl.expectOut(/b1: killed by the user[\s\S]*Noted: b1 was killed\.\n/);
    expect(t.server.requests).toHaveLength(3);
    const told = messagesOf(2).at(-1)!;
    expect(noticeCount(told)).toBe(1);
    expect(JSON.stringify(told)).toMatch(/background task b1 ended: killed by the user/);

    repl.send('/tasks');
    await repl.expectOut(/b1\s+killed[\s\S]*b2\s+running/);
    t.server.enqueue(reply().text('ok'));
    repl.send('status?');
    await repl.expectOut(/ok\n/);
    expect(noticeCount(messagesOf(3))).toBe(1);
    repl.send('exit');
    expect((await repl.done).code).toBe(0);
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);
  });

  it('/logs shows a task\'s output; /kill all kills the rest, and the model hears of each once', async () => {
    const m = marker();
    const repl = startRepl(['--notify', 'next-turn']);
    t.server.enqueue(reply()
      .tool('background_run', { command: 'sleep 0.5; echo log-line-1; echo log-line-2' })
      .tool('background_run', { command: `sleep ${m}` })
      .tool('background_run', { command: `sleep ${m}` }));
    t.server.enqueue(reply().text('All started.'));
    repl.send('start three');
    await repl.expectOut(/All started\.\n/);
    await repl.waitFor(/\[task b1 exited with code 0/);
    repl.send('/logs b1');
    await repl.expectOut(/log-line-1\nlog-line-2/);
    repl.send('/logs b9');
    await repl.expectOut(/No task "b9"\. \/tasks lists them\./);

    repl.send('/kill all');
    await repl.expectOut(/b2: killed by the user[^\n]*\nb3: killed by the user/);
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);
    expect(t.server.requests).toHaveLength(2);

    t.server.enqueue(reply().text('All gone.'));
    repl.send('what happened?');
    await repl.expectOut(/All gone\.\n/);
    const killed = messagesOf(2).at(-1)!;
    expect(noticeCount(killed, 'b2') + noticeCount(killed, 'b3')).toBe(2);
    t.server.enqueue(reply().text('ok'));
    repl.send('and now?');
    await repl.expectOut(/ok\n/);
    // b1's end went with whichever request came first after it; each task is reported exactly once.
    for (const id of ['b1', 'b2', 'b3']) expect(noticeCount(messagesOf(3), id)).toBe(1);
    repl.send('/kill all');
    await repl.expectOut(/No running tasks\./);
    repl.send('exit');
    expect((await repl.done).code).toBe(0);
  });

  it('suggests the nearest command, prints the cost, and /clear starts over', async () => {
    const repl = startRepl(['--model', 'claude-sonnet-4-6'], { TANDEM_CONTEXT_WINDOW: '1500' });
    repl.send('/taks');
    await repl.expectOut(/Unknown command \/taks\. Did you mean \/tasks\?/);

    t.server.enqueue(reply().text('Counted.').usage({ input_tokens: 1234, output_tokens: 56, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }));
    repl.send('count something');
    await repl.expectOut(/Counted\.\n/);
    repl.send('/cost');
    await repl.expectOut(/Context: 1,290 of 1,500 tokens \(86%\)\nclaude-sonnet-4-6: 1,234 in, 56 out, 0 cache read, 0 cache write = \$0\.0045\nTotal: \$0\.0045/);

    repl.send('/clear');
    await repl.expectOut(/\(new conversation\)/);
    // The old conversation's size no longer counts: nothing measured, nothing to compact.
    repl.send('/cost');
    await repl.expectOut(/Context: not measured yet/);
    t.server.enqueue(reply().text('Fresh start.'));
    repl.send('hello again');
    await repl.expectOut(/Fresh start\.\n/);
    expect(messagesOf(1)).toEqual([user(text('hello again'))]);
    expect(repl.stderr).not.toMatch(/compact/);
    repl.child.stdin!.end();
    expect((await repl.done).code).toBe(0);
  });

  it('/model switches the model for requests and for summaries alike', async () => {
    const repl = startRepl(['--model', 'claude-sonnet-4-6']);
    await repl.expectOut(/tandem> /);
    t.server.enqueue(reply().text('One.'));
    repl.send('first');
    await repl.expectOut(/One\.\n/);
    repl.send('/model claude-opus-4-6');
    await repl.expectOut(/Model: claude-opus-4-6/);
    t.server.enqueue(reply().text('SUMMARY'));
    repl.send('/compact');
    await repl.expectOut(/Compacted:/);
    t.server.enqueue(reply().text('Two.'));
    repl.send('second');
    await repl.expectOut(/Two\.\n/);
    expect(t.server.requests.map((r) => r.body.model)).toEqual(['claude-sonnet-4-6', 'claude-opus-4-6', 'claude-opus-4-6']);
    repl.child.stdin!.end();
    expect((await repl.done).code).toBe(0);
  });
});

