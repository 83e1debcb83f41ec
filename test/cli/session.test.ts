// End-to-end: sessions through the built binary — crash safety and resume, listing and choosing sessions,
// compaction (by reported usage and by a "prompt is too long" refusal), the context budget, prompt-cache
// breakpoints, and usage and cost in the JSON result.
import { appendFileSync, copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContentBlock, Message } from '../../src/core/types.js';
import { runTandem, startTandem, testEnv, watch, type Watched } from '../support/cli.js';
import { fault, reply, systemText, withoutCacheControl } from '../support/model-server.js';
import { eventually, marker, survivors } from '../support/processes.js';
import { useScriptedServer } from '../support/scripted-server.js';
import { toolResultText } from '../../src/core/text.js';

const t = useScriptedServer();

/** Let every command run: these tests are about sessions, not permissions. */
const BYPASS = ['--permission-mode', 'bypassPermissions'];

const messagesOf = (i: number) => withoutCacheControl(t.server.requests[i]!.body.messages as Message[]);
const textOf = (value: unknown) => JSON.stringify(value);

/** The workspace's transcript files, as `$TANDEM_HOME/projects/<key>/<id>.jsonl`. */
function transcripts(env: Record<string, string | undefined>): string[] {
  const projects = path.join(env.TANDEM_HOME!, 'projects');
  return readdirSync(projects).flatMap((key) =>
    readdirSync(path.join(projects, key)).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(projects, key, f)));
}

function onlyTranscript(env: Record<string, string | undefined>): string {
  const files = transcripts(env);
  expect(files).toHaveLength(1);
  return files[0]!;
}

const records = (file: string) =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/** `messages` with `text` appended to its trailing user message: what a resumed run sends after "next". */
function withPrompt(messages: Message[], text: string): Message[] {
  const last = messages.at(-1)!;
  expect(last.role).toBe('user');
  return [...messages.slice(0, -1), { role: 'user', content: [...last.content, { type: 'text', text }] }];
}

/** Waits for the server to have `n` requests; fails at once, with tandem's stderr, if tandem exits first. */
async function requestsWhileRunning(w: Watched, n: number): Promise<void> {
  const exited = w.done.then((r) => { throw new Error(`tandem exited (${r.code}) before request ${n}:\n${r.stderr}`); });
  await Promise.race([t.server.waitForRequests(n, 15_000), exited]);
}

describe('crash safety', () => {
  it('resumes after a SIGKILL mid-stream with every completed item', async () => {
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().text('Looking.').tool('bash', { command: 'echo first-result' }, 'toolu_first'));
    t.server.enqueue(reply().text('partial').hang());
    const w = watch(startTandem([...BYPASS, '-p', 'first prompt', '--output-format', 'stream-json'], { cwd: t.cwd, env }));
    await w.waitFor(/"type":"tool_result"[^\n]*\n\{"type":"text_delta","text":"p/);
    w.child.kill('SIGKILL');
    expect((await w.done).signal).toBe('SIGKILL');

    t.server.enqueue(reply().text('resumed fine'));
    const next = await runTandem([...BYPASS, '-p', '--continue', 'next'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('resumed fine\n');
    expect(next.stderr).toMatch(/Resumed 3 messages/);
    // The prompt, the assistant turn and its tool result, exactly as the killed run last sent them.
    const before = messagesOf(1);
    expect(textOf(before)).toContain('first-result');
    expect(messagesOf(2)).toEqual(withPrompt(before, 'next'));
  });

  it('answers a tool call cut off by a SIGKILL with an "interrupted" result', async () => {
    const env = testEnv(t.server.url);
    const m = marker();
    t.server.enqueue(reply().tool('bash', { command: 'echo done-before' }, 'toolu_done'));
    t.server.enqueue(reply().text('Now the long one.').tool('bash', { command: `sleep ${m}` }, 'toolu_long'));
    const w = watch(startTandem([...BYPASS, '-p', 'run two commands'], { cwd: t.cwd, env }));
    await w.waitFor(new RegExp(`> bash: sleep ${m}`), { stream: 'stderr' });
    expect(await eventually(() => survivors(m).length > 0)).toBe(true);
    w.child.kill('SIGKILL');
    await w.done;

    t.server.enqueue(reply().text('I see it was interrupted.'));
    const next = await runTandem([...BYPASS, '-p', '--continue', 'next'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/1 tool call was still running when the session ended; marked interrupted/);
    const sent = messagesOf(2);
    expect(sent.slice(0, 3)).toEqual(messagesOf(1));
    expect(sent[3]).toMatchObject({ role: 'assistant', content: [
      { type: 'text', text: 'Now the long one.' }, { type: 'tool_use', id: 'toolu_long', input: { command: `sleep ${m}` } },
    ] });
    const last = sent[4]!;
    expect(last.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_long', is_error: true });
    expect(textOf(last.content[0])).toMatch(/Interrupted/);
    expect(last.content.at(-1)).toEqual({ type: 'text', text: 'next' });
    // A foreground command is answered by its interrupted result, not described as a background task.
    expect(textOf(sent)).not.toMatch(/Background task/);
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);
  });

  it('tells the model the background tasks running at the SIGKILL were killed at shutdown, once', async () => {
    const env = testEnv(t.server.url);
    const m = marker();
    // One started in the background, one a bash command moved there at its timeout.
    t.server.enqueue(reply().tool('background_run', { command: `sleep ${m}` }, 'toolu_bg'));
    t.server.enqueue(reply().tool('bash', { command: `echo moving; sleep ${m}`, timeout: 0.3 }, 'toolu_moved'));
    t.server.enqueue(reply().text('waiting...').hang());
    const w = watch(startTandem([...BYPASS, '-p', 'start two servers'], { cwd: t.cwd, env }));
    await requestsWhileRunning(w, 3);
    expect(textOf(messagesOf(2).at(-1))).toMatch(/moved to the background as task f1/);
    w.child.kill('SIGKILL');
    await w.done;

    t.server.enqueue(reply().text('I will start them again.'));
    const next = await runTandem([...BYPASS, '-p', '--continue', 'are they up?'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    const last = messagesOf(3).at(-1)!;
    for (const [id, command] of [['b1', `sleep ${m}`], ['f1', `echo moving; sleep ${m}`]]) {
      const said = `${id} (${command}) was running when the session ended; it was killed at shutdown`;
      expect(next.stderr).toContain(`Task ${said}`);
      expect(last.content.filter((b) => b.type === 'text' && b.text.includes(`Background task ${said}`))).toHaveLength(1);
    }
    expect(last.content.at(-1)).toEqual({ type: 'text', text: 'are they up?' });
    expect(await eventually(() => survivors(m).length === 0)).toBe(true);

    // The next resume knows the tasks' ends: no second note.
    t.server.enqueue(reply().text('ok'));
    const third = await runTandem([...BYPASS, '-p', '--continue', 'again'], { cwd: t.cwd, env });
    expect(third.code).toBe(0);
    expect(third.stderr).not.toMatch(/killed at shutdown/);
    expect(textOf(messagesOf(4)).split('was killed at shutdown').length - 1).toBe(2);
  });

  it('resumes past a torn last line and says it skipped it', async () => {
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().text('one'));
    expect((await runTandem(['-p', 'first'], { cwd: t.cwd, env })).code).toBe(0);
    const file = onlyTranscript(env);
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    appendFileSync(file, '{"type":"message","role":"user","content":[{"type":"text","text":"half a li');

    t.server.enqueue(reply().text('two'));
    const next = await runTandem(['-p', '--continue', 'second'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('two\n');
    expect(next.stderr).toMatch(new RegExp(`Line ${lines + 1} of the transcript was cut off mid-write .*skipped`));
    expect(messagesOf(1)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'first' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'one' }] },
      { role: 'user', content: [{ type: 'text', text: 'second' }] },
    ]);
    // Records written after the torn line start on a line of their own: the next resume reads them all.
    const tail = readFileSync(file, 'utf8').split('\n').slice(lines + 1).filter(Boolean);
    expect(tail.map((l) => JSON.parse(l).type)).toContain('message');
  });
});

describe('listing and choosing sessions', () => {
  /** Two sessions in `cwd`, "alpha" then "beta"; returns their ids. */
  async function twoSessions(env: Record<string, string | undefined>): Promise<{ alpha: string; beta: string }> {
    const ids: string[] = [];
    for (const word of ['alpha', 'beta']) {
      t.server.enqueue(reply().text(`${word} answer`));
      const run = await runTandem(['-p', `${word} prompt`, '--output-format', 'json'], { cwd: t.cwd, env });
      expect(run.code).toBe(0);
      ids.push(JSON.parse(run.stdout).session_id as string);
    }
    return { alpha: ids[0]!, beta: ids[1]! };
  }

  it('lists sessions with date, size and first prompt, newest first', async () => {
    const env = testEnv(t.server.url);
    const none = await runTandem(['sessions'], { cwd: t.cwd, env });
    expect(none).toMatchObject({ code: 0, stdout: 'No saved sessions in this workspace.\n' });
    const { alpha, beta } = await twoSessions(env);
    const run = await runTandem(['sessions'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    const row = (id: string, prompt: string) =>
      new RegExp(`^\\s+${id.slice(0, 8)}\\S*\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+\\d+(\\.\\d)? (B|KB)\\s+${prompt}$`);
    expect(rows[0]).toMatch(row(beta, 'beta prompt'));
    expect(rows[1]).toMatch(row(alpha, 'alpha prompt'));
  });

  it('resumes the session a unique prefix names', async () => {
    const env = testEnv(t.server.url);
    const { alpha } = await twoSessions(env);
    t.server.enqueue(reply().text('back to alpha'));
    const run = await runTandem(['-p', 'more', '--resume', alpha.slice(0, 6)], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(messagesOf(2)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'alpha prompt' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'alpha answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'more' }] },
    ]);
  });

  it('exits 2 with a clear message for an ambiguous or unknown prefix, or no id at all', async () => {
    const env = testEnv(t.server.url);
    const nothing = await runTandem(['-p', 'x', '--continue'], { cwd: t.cwd, env });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/No saved session to continue in this workspace/);

    const { alpha } = await twoSessions(env);
    const dir = path.dirname(transcripts(env)[0]!);
    copyFileSync(path.join(dir, `${alpha}.jsonl`), path.join(dir, 'abcd1111-copy.jsonl'));
    copyFileSync(path.join(dir, `${alpha}.jsonl`), path.join(dir, 'abcd2222-copy.jsonl'));

    const ambiguous = await runTandem(['-p', 'x', '--resume', 'abcd'], { cwd: t.cwd, env });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/"abcd" matches 2 sessions; give more of the id/);
    expect(ambiguous.stderr).toMatch(/abcd1111-copy[\s\S]*abcd2222-copy|abcd2222-copy[\s\S]*abcd1111-copy/);

    const unknown = await runTandem(['-p', 'x', '--resume', 'zzzz'], { cwd: t.cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No session "zzzz" in this workspace \(tandem sessions lists them\)/);

    const bare = await runTandem(['--resume'], { cwd: t.cwd, env });
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/alpha prompt/);
    expect(bare.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(bare.stderr).toMatch(/choose one with tandem --resume ID/);
    expect(t.server.requests).toHaveLength(2);
  });
});

describe('compaction', () => {
  const small = { TANDEM_CONTEXT_WINDOW: '10000' };
  const isSummaryRequest = (i: number) => systemText(t.server.requests[i]!.body).includes('handover summaries');

  it('compacts before a request when the reported usage nears the window, and resumes the compacted context', async () => {
    const env = testEnv(t.server.url, small);
    t.server.enqueue(reply().text('Checking.').tool('bash', { command: 'echo tool-output' }, 'toolu_1').usage({ input_tokens: 9000 }));
    t.server.enqueue(reply().text('SUMMARY: the user asked to start the work; echo ran.'));
    t.server.enqueue(reply().text('Done after compaction.'));
    const run = await runTandem([...BYPASS, '-p', 'start the work'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Done after compaction.\n');
    expect(run.stderr).toMatch(/context is nearly full \(threshold\); compacting/);
    expect(t.server.requests).toHaveLength(3);

    expect(isSummaryRequest(1)).toBe(true);
    expect(t.server.requests[1]!.body.tools ?? []).toEqual([]);
    expect(textOf(messagesOf(1))).toMatch(/<transcript>[\s\S]*start the work/);
    const real = messagesOf(2);
    expect(isSummaryRequest(2)).toBe(false);
    expect(real[0]!.role).toBe('user');
    expect(textOf(real[0])).toContain('<summary>\\nSUMMARY: the user asked to start the work; echo ran.\\n</summary>');
    expect(textOf(real)).not.toContain('"start the work"');
    // The turn in progress is kept whole: the tool call and its result.
    expect(real).toHaveLength(3);
    expect(real[1]).toEqual({ role: 'assistant', content: [
      { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'echo tool-output' } },
    ] });
    expect(real[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
    expect(textOf(real[2])).toContain('tool-output');

    const compactions = records(onlyTranscript(env)).filter((r) => r.type === 'compaction');
    expect(compactions).toHaveLength(1);
    expect(compactions[0]!.summary).toBe('SUMMARY: the user asked to start the work; echo ran.');
    expect(withoutCacheControl(compactions[0]!.messages)).toEqual(real);

    t.server.enqueue(reply().text('Continuing.'));
    const next = await runTandem([...BYPASS, '-p', '--continue', 'go on'], { cwd: t.cwd, env });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/compacted 1×/);
    const resumed = messagesOf(3);
    expect(resumed.slice(0, -1)).toEqual(real.concat([{ role: 'assistant', content: [{ type: 'text', text: 'Done after compaction.' }] }]));
    expect(resumed.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'go on' }] });
  });

  it('compacts and retries after a "prompt is too long" refusal instead of failing', async () => {
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().tool('bash', { command: 'echo step-one' }, 'toolu_1'));
    t.server.enqueue(fault(400, { message: 'prompt is too long: 210000 tokens > 200000 maximum' }));
    t.server.enqueue(reply().text('SUMMARY-AFTER-REFUSAL'));
    t.server.enqueue(reply().text('Fits now.'));
    const run = await runTandem([...BYPASS, '-p', 'do it', '--output-format', 'json'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ subtype: 'success', is_error: false, result: 'Fits now.' });
    expect(run.stderr).toMatch(/context is nearly full \(prompt_too_long\); compacting/);
    expect(t.server.requests).toHaveLength(4);
    expect(isSummaryRequest(2)).toBe(true);
    const retried = messagesOf(3);
    expect(textOf(retried[0])).toContain('SUMMARY-AFTER-REFUSAL');
    expect(textOf(retried)).toContain('step-one');
    const recorded = records(onlyTranscript(env));
    expect(recorded.filter((r) => r.type === 'compaction')).toHaveLength(1);
    expect(recorded.filter((r) => r.type === 'notice' && r.level === 'error')).toEqual([]);
  });
});

describe('what requests carry', () => {
  it('replaces old tool results beyond the budget with placeholders, while the transcript keeps them whole', async () => {
    const env = testEnv(t.server.url);
    const ids = Array.from({ length: 15 }, (_, i) => `toolu_big_${String(i).padStart(2, '0')}`);
    const big = reply();
    ids.forEach((id, i) => big.tool('bash', { command: `head -c 29000 /dev/zero | tr '\\0' ${'abcdefghijklmno'[i]}` }, id));
    t.server.enqueue(big);
    t.server.enqueue(reply().text('Read them all.'));
    const run = await runTandem([...BYPASS, '-p', 'produce output'], { cwd: t.cwd, env, killAfterMs: 30_000 });
    expect(run.code).toBe(0);
    const results = messagesOf(1).at(-1)!.content.filter((b) => b.type === 'tool_result');
    expect(results.map((b) => b.tool_use_id)).toEqual(ids);
    const placeholders = results.filter((b) => /was left out of the context to save space/.test(toolResultText(b.content)));
    // The 5 results older than the 10 kept are 145,000 characters against a budget of 120,000. The oldest go in
    // steps of half the budget (so the request prefix stays cacheable): 60,000 characters or more, three results.
    expect(placeholders.map((b) => b.tool_use_id)).toEqual(ids.slice(0, 3));
    expect(placeholders[0]!.content).toMatch(/This older result \(29000 characters\).*re-run bash .*head -c 29000/);
    for (const b of results.slice(3)) expect(b.content).toHaveLength(29000);

    const stored = records(onlyTranscript(env))
      .flatMap((r) => (r.type === 'message' ? (r.content as ContentBlock[]) : []))
      .filter((b) => b.type === 'tool_result');
    expect(stored.map((b) => b.tool_use_id)).toEqual(ids);
    for (const b of stored) expect(b.content).toHaveLength(29000);
  });

  it('marks the system prompt, the last tool and the moving end of the conversation for the prompt cache', async () => {
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().tool('bash', { command: 'echo one' }, 'toolu_1'));
    t.server.enqueue(reply().tool('bash', { command: 'echo two' }, 'toolu_2'));
    t.server.enqueue(reply().text('Both ran.'));
    const run = await runTandem(['-p', 'run two'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(t.server.requests).toHaveLength(3);
    /** [message index, block index] of every marked block. */
    const marked = (i: number) => (t.server.requests[i]!.body.messages as Message[]).flatMap((m, mi) =>
      m.content.flatMap((b, bi) => ('cache_control' in b && b.cache_control ? [[mi, bi]] : [])));
    for (const [i, req] of t.server.requests.entries()) {
      const system = req.body.system as { text: string; cache_control?: unknown }[];
      expect(Array.isArray(system)).toBe(true);
      expect(system.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
      const tools = req.body.tools as { cache_control?: unknown }[];
      expect(tools.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
      expect(tools.slice(0, -1).filter((t) => t.cache_control)).toEqual([]);
      const n = (req.body.messages as Message[]).length;
      // The end of this request, where the next one will read from.
      expect(marked(i).some(([mi]) => mi === n - 1)).toBe(true);
      expect(1 + 1 + marked(i).length).toBeLessThanOrEqual(4);
    }
    expect(marked(0)).toEqual([[0, 0]]);
    // Each later request also marks where the previous one ended: the previous end, then the new end.
    expect(marked(1)).toEqual([[0, 0], [2, 0]]);
    expect(marked(2)).toEqual([[2, 0], [4, 0]]);
  });

  it('reports usage and cost in the JSON result', async () => {
    const env = testEnv(t.server.url);
    t.server.enqueue(reply().tool('bash', { command: 'echo x' }).usage({
      input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0,
    }));
    t.server.enqueue(reply().text('Done.').usage({
      input_tokens: 50, output_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000,
    }));
    const run = await runTandem(['-p', 'go', '--output-format', 'json', '--model', 'claude-sonnet-4-6'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.usage).toEqual({
      input_tokens: 1050, output_tokens: 120, cache_creation_input_tokens: 2100, cache_read_input_tokens: 2000,
    });
    // Sonnet 4.x: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million tokens.
    const expected = (1050 * 3 + 120 * 15 + 2100 * 3.75 + 2000 * 0.3) / 1e6;
    expect(out.total_cost_usd).toBeCloseTo(expected, 10);
  });
});
