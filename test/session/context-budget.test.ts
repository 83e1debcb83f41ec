import { describe, expect, it } from 'vitest';
import type { Message, ToolResultBlock } from '../../src/core/types.js';
import { clearedCount, prepareRequestMessages, withContextBudget, type ContextBudget } from '../../src/session/context-budget.js';
import { assistant, conversation, result, text, use, user } from '../support/conversation.js';
import { reply, withoutCacheControl } from '../support/model-server.js';
import { modelFor, useScriptedServer } from '../support/scripted-server.js';
import { toolResultText } from '../../src/core/text.js';

const t = useScriptedServer();

const budget: ContextBudget = { keepRecentResults: 5, maxResultChars: 10_000, oldResultsBudgetChars: 20_000 };
const results = (messages: Message[]) => messages.flatMap((m) => m.content.filter((b): b is ToolResultBlock => b.type === 'tool_result'));
const isPlaceholder = (r: ToolResultBlock) => toolResultText(r.content).startsWith('[tandem harness] This older result');

describe('context budget', () => {
  it('replaces the oldest results beyond the budget, keeps the recent ones, and leaves the conversation alone', () => {
    const messages = conversation(30, 2_000);
    const stored = structuredClone(messages);
    const sent = prepareRequestMessages(messages, budget);

    expect(messages).toEqual(stored);
    expect(sent).not.toBe(messages);
    expect(sent).toHaveLength(messages.length);
    const r = results(sent);
    // 25 old results of 2,000 chars against a 20,000 budget: the oldest 15 go, which leaves exactly 20,000.
    expect(r.map(isPlaceholder)).toEqual([...Array(15).fill(true), ...Array(15).fill(false)]);
    expect(r.slice(15)).toEqual(results(messages).slice(15));
    expect(r[0]!.content).toMatch(/\(2000 characters\).*re-run read_file \{"path":"toolu_1\.ts"\}/);
    expect(r[0]!.tool_use_id).toBe('toolu_1');
    // Unchanged messages are shared; changed ones are copies.
    expect(sent[0]).toBe(messages[0]);
    expect(sent[2]).not.toBe(messages[2]);
  });

  it('sends everything when the old results fit', () => {
    const messages = conversation(8, 2_000);
    const sent = prepareRequestMessages(messages, budget);
    expect(sent).not.toBe(messages);
    sent.forEach((m, i) => expect(m).toBe(messages[i]));
  });

  it('bounds a large result to head and tail, even a recent one, and keeps is_error', () => {
    const big = Array.from({ length: 5_000 }, (_, i) => `line ${i}`).join('\n');
    const messages = [user(text('go')), assistant(use('a', 'bash', { command: 'cat big.log' })), user(result('a', big, true))];
    const sent = prepareRequestMessages(messages, budget);
    const r = results(sent)[0]!;
    expect(r.is_error).toBe(true);
    expect(r.content.length).toBeLessThan(10_300);
    expect(r.content).toMatch(/^line 0\n/);
    expect(r.content).toMatch(/line 4999$/);
    expect(r.content).toMatch(/characters \(\d+ lines\) elided; the full result is kept by tandem; re-run the call with a narrower range/);
    expect(results(messages)[0]!.content).toBe(big);
  });

  it('never replaces short results, which would save nothing', () => {
    const messages = conversation(40, 300);
    const sent = prepareRequestMessages(messages, { ...budget, oldResultsBudgetChars: 1_000 });
    expect(results(sent).some(isPlaceholder)).toBe(false);
  });

  it('moves the cleared prefix in steps, so most requests share their prefix with the previous one (cache hits)', () => {
    let changes = 0;
    let previous = 0;
    for (let turns = 1; turns <= 200; turns++) {
      const cleared = results(prepareRequestMessages(conversation(turns, 2_000), budget)).filter(isPlaceholder).length;
      expect(cleared).toBeGreaterThanOrEqual(previous);
      if (cleared !== previous) changes++;
      previous = cleared;
      // Whatever is kept of the old results fits the budget.
      const keptOld = Math.max(0, turns - budget.keepRecentResults) - cleared;
      expect(keptOld * 2_000).toBeLessThanOrEqual(budget.oldResultsBudgetChars);
    }
    // 195 old results of 2,000 chars, cleared in 10,000-char steps: about 38 changes, not 190.
    expect(changes).toBeLessThanOrEqual(40);
    expect(previous).toBeGreaterThan(180);
  });

  it('clearedCount: zero within the budget, then at least the excess rounded up to half-budget steps', () => {
    expect(clearedCount([5, 5, 5], 15)).toBe(0);
    expect(clearedCount([5, 5, 5, 5], 15)).toBe(2); // excess 5 -> step 7 -> clear 10
    expect(clearedCount([5, 5, 5, 5, 1], 15)).toBe(2); // excess 6 -> still one step: unchanged
    expect(clearedCount([100], 10)).toBe(1);
  });

  it('withContextBudget sends the bounded messages and keeps the loop\'s array intact', async () => {
    const inner = modelFor(t.server);
    t.server.enqueue(reply().text('ok'));
    const model = withContextBudget(inner, budget);
    const messages = conversation(30, 2_000);
    messages.push(user(text('and now?')));
    const stored = structuredClone(messages);
    for await (const _ of model.stream({ system: 's', messages, tools: [], maxTokens: 100 })) { /* drain */ }
    expect(messages).toEqual(stored);
    expect(t.server.requests).toHaveLength(1);
    expect(results(withoutCacheControl(t.server.requests[0]!.body.messages)).filter(isPlaceholder)).toHaveLength(15);
    expect(model.id).toBe(inner.id);
  });
});
