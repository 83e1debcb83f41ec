import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent } from '../../src/core/agent-loop.js';
import { appendUserContent } from '../../src/core/messages.js';
import type { AgentTool } from '../../src/core/types.js';
import { AutoCompactor } from '../../src/session/auto-compact.js';
import { withContextBudget } from '../../src/session/context-budget.js';
import { openSession } from '../../src/session/session-open.js';
import { SessionLookupError } from '../../src/session/session-store.js';
import { loadTranscript } from '../../src/session/transcript-load.js';
import { assistant, expectValidConversation, text, use, usage } from '../support/conversation.js';
import { reply, systemText } from '../support/model-server.js';
import { modelFor, useScriptedServer } from '../support/scripted-server.js';
import { tempDir } from './support.js';

const t = useScriptedServer();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

const base = () => ({ home: tmp.dir, workspaceRoot: '/work/main', model: 'claude-sonnet-4-5', version: '0.1.0' });

/** Read-only tools run together; `slow` finishes after `fast`, so results are recorded out of call order. */
function tools(): AgentTool[] {
  const make = (name: string, ms: number, out: string): AgentTool => ({
    name, description: name, inputSchema: { type: 'object' }, readOnly: true,
    execute: () => new Promise((resolve) => setTimeout(() => resolve({ content: out }), ms)),
  });
  return [make('slow', 30, 'slow result'), make('fast', 1, ''), make('fail', 1, 'boom')];
}

describe('recording a live session and resuming it', () => {
  it('the transcript reproduces the conversation the loop built, and --continue resumes it', async () => {
    const s = openSession(base());
    const model = modelFor(t.server);
    t.server.enqueue(
      reply().text('Running both.').tool('slow', {}, 'c1').tool('fast', {}, 'c2').usage({ input_tokens: 10, output_tokens: 5 }),
      reply().text('Both done.').usage({ input_tokens: 20, output_tokens: 3, cache_read_input_tokens: 10 }),
    );
    appendUserContent(s.messages, [text('run the checks')]);
    s.recorder.sync();
    const result = await runAgent(s.messages, { model, tools: tools(), system: 'sys', emit: (e) => s.recorder.onEvent(e) });
    s.recorder.sync();
    s.writer.close();
    expect(result.outcome).toBe('end_turn');

    const lines = readFileSync(s.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    // Each tool result is its own line, written when its tool ended (fast before slow), never twice.
    const results = lines.filter((l) => l.type === 'message' && l.content[0]?.type === 'tool_result').map((l) => l.content[0].tool_use_id);
    expect(results).toEqual(['c2', 'c1']);
    expect(lines.filter((l) => l.type === 'usage')).toHaveLength(2);

    const loaded = loadTranscript(s.path);
    expect(loaded.messages).toEqual(s.messages);
    expect(loaded.usage).toEqual(usage({ input_tokens: 30, output_tokens: 8, cache_read_input_tokens: 10 }));

    const resumed = openSession({ ...base(), resume: { latest: true } });
    expect(resumed.id).toBe(s.id);
    expect(resumed.messages).toEqual(s.messages);
    expect(resumed.report).toEqual(['Resumed 4 messages.']);
    // /cost after a resume counts the whole session.
    expect(s.recorder.usageByModel).toEqual(loaded.usageByModel);
    expect(resumed.recorder.usageByModel).toEqual({ 'claude-sonnet-4-5': loaded.usage });
  });

  it('a session that died mid-tool resumes repaired, with running tasks reported as killed', () => {
    const s = openSession(base());
    appendUserContent(s.messages, [text('start the server and test')]);
    s.recorder.sync();
    s.messages.push(assistant(use('c1', 'bash', { command: 'npm run dev &' }), use('c2', 'bash', { command: 'npm test' })));
    s.recorder.onEvent({ type: 'assistant_message', message: s.messages.at(-1)!, stopReason: 'tool_use' });
    s.recorder.onEvent({ type: 'tool_end', id: 'c1', name: 'bash', result: { content: 'started task t1' }, durationMs: 5 });
    s.writer.taskStart('t1', 'npm run dev');
    // ... and the process is killed while c2 runs: nothing more is written.

    const r = openSession({ ...base(), resume: { id: s.id.slice(0, 6) } });
    expectValidConversation(r.messages);
    const last = r.messages.at(-1)!;
    expect(last.content.map((b) => b.type)).toEqual(['tool_result', 'tool_result', 'text']);
    expect(last.content[1]).toMatchObject({ tool_use_id: 'c2', is_error: true });
    expect(last.content[2]).toMatchObject({ type: 'text', text: expect.stringMatching(/task t1 \(npm run dev\) was running when the session ended; it was killed at shutdown/) });
    expect(r.report).toEqual([
      'Resumed 3 messages.',
      '1 tool call was still running when the session ended; marked interrupted.',
      'Task t1 (npm run dev) was running when the session ended; it was killed at shutdown.',
    ]);
    r.writer.close();

    // The note and the task's end were recorded: a second resume sees the same conversation and no running task.
    const again = openSession({ ...base(), resume: { latest: true } });
    expect(again.loaded!.tasksRunningAtEnd).toEqual([]);
    expect(again.messages).toEqual(r.messages);
  });

  it('records a compaction and a conversation replaced behind its back', async () => {
    const s = openSession(base());
    s.messages.push({ role: 'user', content: [text('hello')] }, assistant(text('hi')));
    s.recorder.sync();
    const summary = { role: 'user' as const, content: [text('summary')] };
    s.messages.splice(0, s.messages.length, summary); // as AutoCompactor does, then it reports
    s.recorder.compacted({ messages: [summary], summary: 'summary', usage: usage({ output_tokens: 7 }), summarised: 2, kept: 0 });
    s.messages.push(assistant(text('after')));
    s.recorder.sync();
    expect(loadTranscript(s.path).messages).toEqual([summary, assistant(text('after'))]);
    s.messages.length = 0; // e.g. cleared without telling the recorder
    s.messages.push({ role: 'user', content: [text('fresh start')] });
    s.recorder.sync();
    s.writer.close();
    expect(loadTranscript(s.path).messages).toEqual([{ role: 'user', content: [text('fresh start')] }]);
    expect(loadTranscript(s.path).compactions).toBe(2);
  });

  it('wired as the CLI will wire it, an automatic compaction mid-run resumes to the same context', async () => {
    const s = openSession(base());
    const provider = modelFor(t.server);
    t.server.enqueue(
      reply().tool('fast', {}, 'c1').usage({ input_tokens: 170_000, output_tokens: 100 }),
      reply().text('SUMMARY: checks half done'),
      reply().text('All checks done.').usage({ input_tokens: 4_000 }),
    );
    const auto = new AutoCompactor(provider, {
      contextWindow: 200_000,
      compact: { keepRecentTurns: 1 },
      onCompacted: (result) => s.recorder.compacted(result),
    });
    const model = withContextBudget(provider);
    s.messages.push({ role: 'user', content: [text('run the checks')] }, assistant(text('ok')), { role: 'user', content: [text('again, all of them')] });
    s.recorder.sync();
    const result = await runAgent(s.messages, { model, tools: tools(), system: 'sys', emit: (e) => s.recorder.onEvent(e), context: auto.hooks() });
    s.recorder.sync();
    s.writer.close();

    expect(result.outcome).toBe('end_turn');
    expect(t.server.requests.map((r) => systemText(r.body))).toEqual(['sys', expect.stringMatching(/handover summaries/), 'sys']);
    expect(s.messages[0]!.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^\[tandem harness\].*SUMMARY: checks half done/s) });
    const loaded = loadTranscript(s.path);
    expect(loaded.compactions).toBe(1);
    expect(loaded.messages).toEqual(s.messages);
    expect(Object.keys(loaded.usageByModel)).toEqual(['claude-sonnet-4-5']);
    expect(s.recorder.usageByModel).toEqual(loaded.usageByModel);
  });

  it('says clearly when there is nothing to resume', () => {
    expect(() => openSession({ ...base(), resume: { latest: true } })).toThrow(SessionLookupError);
    expect(() => openSession({ ...base(), resume: { id: 'nope' } })).toThrow(/No session "nope"/);
  });
});
