import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/core/agent-loop.js';
import type { AgentEvent } from '../../src/core/events.js';
import type { ContentBlock, Message, TextBlock } from '../../src/core/types.js';
import { AutoCompactor } from '../../src/session/auto-compact.js';
import { renderForSummary, SUMMARY_SYSTEM } from '../../src/session/compaction-prompt.js';
import { chooseCut, compactConversation, CompactionError, type CompactionResult } from '../../src/session/compaction.js';
import { assistant, conversation, expectValidConversation, result, text, usage, use, user } from '../support/conversation.js';
import { fault, reply, systemText, withoutCacheControl, type RecordedRequest } from '../support/model-server.js';
import { modelFor, useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const requestText = (req: RecordedRequest) => (withoutCacheControl(req.body.messages[0]!).content[0] as TextBlock).text;
const tooLong = (message = 'prompt is too long') => fault(400, { message });
const firstText = (m: Message) => (m.content[0] as TextBlock).text;

/** A deterministic pseudo-random conversation: prompts, text replies, single and parallel tool calls. */
function randomConversation(seed: number, turns: number, trailing: 'assistant' | 'results' | 'prompt'): Message[] {
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const messages: Message[] = [user(text('start'))];
  let id = 0;
  for (let t = 0; t < turns; t++) {
    const calls = rand() < 0.7 ? 1 + Math.floor(rand() * 3) : 0;
    const uses = Array.from({ length: calls }, () => use(`c${++id}`));
    messages.push(assistant(text(`turn ${t}`), ...uses));
    if (calls) messages.push(user(...uses.map((u) => result(u.id, 'r'.repeat(Math.floor(rand() * 3_000)))), ...(rand() < 0.2 ? [text('note')] : [])));
    else messages.push(user(text(`prompt ${t}`)));
  }
  const last = messages.at(-1)!;
  const endsWithResults = last.content[0]?.type === 'tool_result';
  if (trailing === 'assistant') messages.push(assistant(text('done')));
  if (trailing === 'results' && !endsWithResults) messages.push(assistant(use(`c${++id}`)), user(result(`c${id}`, 'x')));
  if (trailing === 'prompt' && endsWithResults) messages.push(assistant(text('ok')), user(text('next')));
  return messages;
}

describe('compactConversation', () => {
  it('replaces the older part with a marked summary and keeps the recent turns verbatim', async () => {
    const messages = conversation(30, 2_000, 10);
    messages.push(user(text('Now write the changelog.')));
    const stored = structuredClone(messages);
    t.server.enqueue(reply().text('GOAL: fix tests. FILES: src/a.ts').usage({ input_tokens: 9_000, output_tokens: 400 }));
    const out = await compactConversation(messages, modelFor(t.server), { keepRecentTurns: 2, focus: 'the flaky test' });

    expect(messages).toEqual(stored);
    expectValidConversation(out.messages);
    expect(out.summary).toBe('GOAL: fix tests. FILES: src/a.ts');
    expect(out.usage).toEqual(usage({ input_tokens: 9_000, output_tokens: 400 }));
    expect(firstText(out.messages[0]!)).toMatch(/^\[tandem harness\] The conversation before this point was replaced by this summary/);
    expect(firstText(out.messages[0]!)).toContain('<summary>\nGOAL: fix tests. FILES: src/a.ts\n</summary>');
    // The last two assistant turns, with everything after them, are kept as they were.
    expect(out.messages.slice(1)).toEqual(messages.slice(-4));
    expect(out.kept).toBe(4);
    expect(out.summarised).toBe(messages.length - 4);

    expect(t.server.requests).toHaveLength(1);
    const req = t.server.requests[0]!;
    expect(systemText(req.body)).toBe(SUMMARY_SYSTEM);
    expect(req.body.tools).toBeUndefined(); // no tools: the field is left out
    expect(req.body.messages).toHaveLength(1);
    expect(requestText(req)).toContain('focus on: the flaky test');
    expect(requestText(req)).toContain('[user]\nFix the failing tests in src/');
    expect(requestText(req)).toContain('[assistant called read_file]\n{"path":"toolu_1.ts"}');
    expect(requestText(req)).toContain('[read_file result]\n1:xxx');
    expect(requestText(req)).not.toContain('Now write the changelog.'); // kept, so not summarised
  });

  it('merges the summary with a kept user prompt so roles still alternate', async () => {
    const messages = [user(text('one')), assistant(text('a1')), user(text('two')), assistant(text('a2')), user(text('three'))];
    t.server.enqueue(reply().text('S'));
    const out = await compactConversation(messages, modelFor(t.server), { keepRecentTurns: 1 });
    expectValidConversation(out.messages);
    expect(out.messages).toHaveLength(3);
    expect(out.messages[0]!.content.map((b) => (b as TextBlock).text.slice(0, 16))).toEqual(['[tandem harness]', 'two']);
    expect(out.messages.slice(1)).toEqual(messages.slice(3));
  });

  it('always yields a valid conversation and never parts a tool_use from its result', async () => {
    const model = modelFor(t.server);
    for (let seed = 1; seed <= 40; seed++) {
      for (const trailing of ['assistant', 'results', 'prompt'] as const) {
        const messages = randomConversation(seed, 4 + (seed % 12), trailing);
        for (const keep of [0, 1, 2, 5]) {
          for (const maxKeptChars of [500, 60_000]) {
            t.server.enqueue(reply().text('S'));
            const out = await compactConversation(messages, model, { keepRecentTurns: keep, maxKeptChars });
            expectValidConversation(out.messages);
            const head = out.messages[0]!;
            expect(firstText(head)).toMatch(/^\[tandem harness\]/);
            // Kept messages are the original tail; the first may have been merged into the summary message.
            const tail = messages.slice(out.summarised);
            const merged = tail[0]?.role === 'user' ? [{ role: 'user', content: [head.content[0], ...tail[0].content] }, ...tail.slice(1)] : [user(head.content[0]!), ...tail];
            expect(out.messages).toEqual(merged);
            // What the next request answers is never summarised away.
            if (messages.at(-1)!.role === 'user') expect(out.messages.at(-1)!.content.slice(-messages.at(-1)!.content.length)).toEqual(messages.at(-1)!.content);
          }
        }
      }
    }
  });

  it('keeps fewer turns when the recent ones are too large, but keeps the pending tool results', () => {
    const messages = conversation(6, 20_000);
    messages.pop(); // ends with tool results the next request must answer
    expect(chooseCut(messages, 3, 100_000)).toBe(messages.length - 6);
    expect(chooseCut(messages, 3, 30_000)).toBe(messages.length - 2);
    expect(chooseCut(messages, 3, 10)).toBe(messages.length - 2);
  });

  it('fails clearly when there is nothing to summarise or the model fails, leaving the conversation alone', async () => {
    const model = modelFor(t.server, { maxAttempts: 2 });
    await expect(compactConversation([user(text('hi'))], model)).rejects.toThrow(/Nothing to compact/);
    expect(t.server.requests).toHaveLength(0);
    const messages = conversation(5);
    t.server.enqueue(fault(529), fault(529));
    const err = await compactConversation(messages, model).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactionError);
    expect((err as CompactionError).kind).toBe('overloaded');
    expect((err as Error).message).toMatch(/the API is overloaded \(529\).*gave up after 2 attempts/);
    t.server.enqueue(reply().text('  '));
    await expect(compactConversation(messages, model)).rejects.toThrow(/no text/);
    expect(t.server.requests).toHaveLength(3);
  });

  it('renders a conversation too large for one request within bounds, keeping the first entry', () => {
    const messages = conversation(400, 5_000);
    messages[0] = user(text('[tandem harness] earlier summary: GOAL X'));
    const out = renderForSummary(messages, { maxChars: 50_000, maxTextChars: 1_000, maxToolInputChars: 200, maxToolResultChars: 500 });
    expect(out.length).toBeLessThanOrEqual(50_000);
    expect(out.startsWith('[user]\n[tandem harness] earlier summary: GOAL X')).toBe(true);
    expect(out).toMatch(/entries omitted to fit/);
    expect(out).toContain('All tests pass now.');
    expect(out).toMatch(/elided/);
  });
});

describe('AutoCompactor', () => {
  it('compacts before a request that would pass the threshold, in the loop\'s own conversation', async () => {
    const model = modelFor(t.server);
    t.server.enqueue(reply().text('SUMMARY'), reply().text('answer after compaction').usage({ input_tokens: 3_000, output_tokens: 0 }));
    const compacted: CompactionResult[] = [];
    const auto = new AutoCompactor(model, { contextWindow: 200_000, threshold: 0.8, onCompacted: (r) => compacted.push(r) });
    auto.noteUsage(usage({ input_tokens: 5_000, cache_read_input_tokens: 155_000, output_tokens: 2_000 }));
    const messages = conversation(20, 2_000);
    messages.push(user(text('next task')));
    const result = await runAgent(messages, { model, context: auto.hooks(), tools: [], system: 'sys' });

    expect(result.outcome).toBe('end_turn');
    expect(compacted).toHaveLength(1);
    expect(t.server.requests).toHaveLength(2);
    expect(systemText(t.server.requests[0]!.body)).toBe(SUMMARY_SYSTEM);
    // The real request went out with the compacted conversation, and the loop kept extending it.
    expect(withoutCacheControl(t.server.requests[1]!.body.messages)).toEqual(compacted[0]!.messages);
    expectValidConversation(messages.slice(0, -1));
    expect(firstText(messages[0]!)).toMatch(/^\[tandem harness\]/);
    expect(messages.at(-1)).toEqual(assistant(text('answer after compaction')));
    expect(auto.lastUsage).toEqual(usage({ input_tokens: 3_000 }));
  });

  it('answers "prompt is too long" by compacting and sending the request again', async () => {
    const model = modelFor(t.server);
    t.server.enqueue(
      tooLong('prompt is too long: 210000 tokens > 200000 maximum'),
      reply().text('SUMMARY'),
      (req) => reply().text(`saw ${req.body.messages.length} messages`),
    );
    const reasons: string[] = [];
    const auto = new AutoCompactor(model, { contextWindow: 200_000, onCompacted: (_r, why) => reasons.push(why) });
    const messages = conversation(20, 2_000);
    messages.push(user(text('next task')));
    const events: AgentEvent[] = [];
    const result = await runAgent(messages, { model, context: auto.hooks(), tools: [], system: 'sys', emit: (e) => events.push(e) });

    expect(result.outcome).toBe('end_turn');
    expect(reasons).toEqual(['prompt_too_long']);
    expect(events.some((e) => e.type === 'retry' && /compacted/.test(e.reason))).toBe(true);
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(result.text).toMatch(/^saw \d+ messages$/);
    expect(messages.length).toBeLessThan(20);
    expect(t.server.requests).toHaveLength(3);
  });

  it('gives up after one retry, and reports a failed automatic compaction without failing the request', async () => {
    const model = modelFor(t.server);
    t.server.enqueue(tooLong(), reply().text('SUMMARY'), tooLong());
    const auto = new AutoCompactor(model, { contextWindow: 200_000 });
    const messages = conversation(10);
    messages.push(user(text('go')));
    const result = await runAgent(messages, { model, context: auto.hooks(), tools: [], system: 'sys' });
    expect(result.outcome).toBe('error');
    expect(result.errorMessage).toMatch(/prompt is too long/);
    expect(t.server.requests).toHaveLength(3);

    const errors: string[] = [];
    const flaky = modelFor(t.server, { maxAttempts: 2 });
    t.server.enqueue(fault(529), fault(529), reply().text('fine'));
    const auto2 = new AutoCompactor(flaky, { contextWindow: 1_000, onError: (e) => errors.push(e.message) });
    const convo: Message[] = [...conversation(10), user(text('go'))];
    const r2 = await runAgent(convo, { model: flaky, context: auto2.hooks(), tools: [], system: 'sys' });
    expect(r2.outcome).toBe('end_turn');
    expect(errors).toEqual(['Could not summarise the conversation: the API is overloaded (529); try again in a few minutes (gave up after 2 attempts).']);
    expect(t.server.requests).toHaveLength(6);
  });

  it('estimates the next request from the last usage plus what was added since', () => {
    const auto = new AutoCompactor(modelFor(t.server), { contextWindow: 200_000 });
    const messages: Message[] = [user(text('q')), assistant(text('a')), user(result('x', 'y'.repeat(4_000)) as ContentBlock)];
    expect(auto.estimateTokens(messages)).toBeGreaterThan(1_000);
    auto.noteUsage(usage({ input_tokens: 50_000, output_tokens: 1_000 }));
    const est = auto.estimateTokens(messages);
    expect(est).toBeGreaterThan(52_000);
    expect(est).toBeLessThan(52_100);
    expect(t.server.requests).toHaveLength(0);
  });
});
