// What the model is sent of tool results: large ones bounded, old ones beyond a budget replaced by a short
// placeholder. The stored conversation (and the transcript) keep every result in full.
import { HARNESS_PREFIX } from '../core/agent-loop.js';
import { headTail, mapToolResultText, oneLine, toolResultChars } from '../core/text.js';
import type { ContentBlock, Message, Model, ToolResultBlock, ToolUseBlock } from '../core/types.js';

export interface ContextBudget {
  /** The newest tool results, always sent (bounded by maxResultChars). */
  keepRecentResults: number;
  /** A result longer than this is sent as its head and tail. */
  maxResultChars: number;
  /** Characters of results older than the recent ones sent at most; the oldest beyond it become placeholders. */
  oldResultsBudgetChars: number;
  /** How harness notes open (the session's keyed note); default the plain prefix. */
  note?: string;
}

export const DEFAULT_CONTEXT_BUDGET: ContextBudget = {
  keepRecentResults: 10,
  maxResultChars: 40_000,
  oldResultsBudgetChars: 120_000,
};

/** Results this short are sent as they are: a placeholder would save nothing. */
const MIN_REPLACED_CHARS = 400;

interface ResultRef { msg: number; block: number; result: ToolResultBlock; sentChars: number }

/**
 * The messages to send for `messages`: a new array where changed messages are copies and unchanged ones are
 * shared (treat the result as read-only); `messages` itself is never modified.
 *
 * Old results are cleared oldest first, in steps of half the budget, so the cleared prefix moves only every
 * budget/2 characters of new results: between steps every request has the same prefix and hits the prompt cache.
 */
export function prepareRequestMessages(messages: Message[], budget: ContextBudget): Message[] {
  const refs: ResultRef[] = [];
  messages.forEach((m, msg) => m.content.forEach((b, block) => {
    if (b.type === 'tool_result') refs.push({ msg, block, result: b, sentChars: Math.min(toolResultChars(b.content), budget.maxResultChars) });
  }));
  const oldCount = Math.max(0, refs.length - budget.keepRecentResults);
  const cleared = clearedCount(refs.slice(0, oldCount).map((r) => r.sentChars), budget.oldResultsBudgetChars);

  const uses = cleared > 0 ? toolUsesById(messages) : new Map<string, ToolUseBlock>();
  const replaced = new Map<number, Map<number, ContentBlock>>();
  const replace = (r: ResultRef, block: ContentBlock) => {
    if (!replaced.has(r.msg)) replaced.set(r.msg, new Map());
    replaced.get(r.msg)!.set(r.block, block);
  };
  refs.forEach((r, i) => {
    if (i < cleared && toolResultChars(r.result.content) > MIN_REPLACED_CHARS) {
      replace(r, { ...r.result, content: placeholder(r.result, uses.get(r.result.tool_use_id), budget.note ?? HARNESS_PREFIX) });
    } else if (toolResultChars(r.result.content) > budget.maxResultChars) {
      const hint = 'the full result is kept by tandem; re-run the call with a narrower range or a filter to see this part';
      replace(r, { ...r.result, content: mapToolResultText(r.result.content, (t) => headTail(t, budget.maxResultChars, hint).text) });
    }
  });
  if (replaced.size === 0) return [...messages];
  return messages.map((m, i) => {
    const blocks = replaced.get(i);
    return blocks ? { role: m.role, content: m.content.map((b, j) => blocks.get(j) ?? b) } : m;
  });
}

/** A Model that sends `prepareRequestMessages(request.messages, budget)` instead of the messages it is given. */
export function withContextBudget(model: Model, budget: ContextBudget = DEFAULT_CONTEXT_BUDGET): Model {
  return {
    id: model.id,
    stream: (request) => model.stream({ ...request, messages: prepareRequestMessages(request.messages, budget) }),
  };
}

/**
 * How many of the oldest results to clear so the rest fit `budget`: enough to clear at least the excess
 * rounded up to a multiple of budget/2, which keeps the answer unchanged while the excess grows within a step.
 */
export function clearedCount(sizes: number[], budget: number): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= budget) return 0;
  const step = Math.max(1, Math.floor(budget / 2));
  const target = Math.ceil((total - budget) / step) * step;
  let sum = 0;
  for (let i = 0; i < sizes.length; i++) {
    sum += sizes[i]!;
    if (sum >= target) return i + 1;
  }
  return sizes.length;
}

function placeholder(result: ToolResultBlock, use: ToolUseBlock | undefined, note: string): string {
  const call = use ? `${use.name} ${oneLine(JSON.stringify(use.input) ?? '', 200)}` : 'the tool call';
  return `${note} This older result (${toolResultChars(result.content)} characters) was left out of the context ` +
    `to save space. If you need it again, re-run ${call} (or re-read the file or task log it came from).`;
}

function toolUsesById(messages: Message[]): Map<string, ToolUseBlock> {
  const uses = new Map<string, ToolUseBlock>();
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    for (const b of m.content) if (b.type === 'tool_use') uses.set(b.id, b);
  }
  return uses;
}
