// Compaction: ask the model to summarise the older part of the conversation, then start a new context from
// that summary plus the recent turns, cut where no tool_use is separated from its tool_result.
import { emptyUsage, type Message, type Model, type ModelErrorKind, type ModelResponse, type Usage } from '../core/types.js';
import { renderForSummary, summaryInstructions, summaryText, SUMMARY_SYSTEM, type RenderLimits } from './compaction-prompt.js';
import { normalizeConversation } from './normalize.js';

export interface CompactOptions {
  /** What the summary should stress (from `/compact focus`). */
  focus?: string;
  /** Assistant turns (model replies with their tool results) kept verbatim after the summary. Default 2. */
  keepRecentTurns?: number;
  /** Fewer turns are kept when the kept ones would exceed this many characters. Default 60,000. */
  maxKeptChars?: number;
  /** Output budget of the summarising request. Default 8,192. */
  maxSummaryTokens?: number;
  renderLimits?: RenderLimits;
  signal?: AbortSignal;
}

/** A compacted conversation. Contract: `messages` is valid to send (user first, every tool_use answered). */
export interface CompactionResult {
  messages: Message[];
  summary: string;
  /** Usage of the summarising request. */
  usage: Usage;
  /** How many messages of the old conversation the summary replaced, and how many were kept. */
  summarised: number;
  kept: number;
  /** The focus asked for, if any. */
  focus?: string;
}

/** Compaction could not run (nothing to summarise) or the summarising request failed. */
export class CompactionError extends Error {
  override name = 'CompactionError';
  constructor(message: string, readonly kind?: ModelErrorKind) {
    super(message);
  }
}

/**
 * Summarises all but the recent turns of `messages` (which it does not modify) with `model` and returns the
 * new conversation: a user message with the summary (merged with the kept user prompt, if the kept part
 * starts with one), then the kept messages unchanged.
 */
export async function compactConversation(messages: Message[], model: Model, opts: CompactOptions = {}): Promise<CompactionResult> {
  const cut = chooseCut(messages, opts.keepRecentTurns ?? 2, opts.maxKeptChars ?? 60_000);
  if (cut <= 0) throw new CompactionError('Nothing to compact yet: the conversation is only its latest turn.');
  const rendered = renderForSummary(messages.slice(0, cut), opts.renderLimits);
  const response = await complete(model, {
    system: SUMMARY_SYSTEM,
    messages: [{ role: 'user', content: [{ type: 'text', text: `${summaryInstructions(opts.focus)}\n\n<transcript>\n${rendered}\n</transcript>` }] }],
    tools: [],
    maxTokens: opts.maxSummaryTokens ?? 8_192,
    signal: opts.signal,
  });
  if (response.stopReason === 'error' || response.stopReason === 'aborted') {
    const why = response.stopReason === 'aborted' ? 'it was interrupted' : response.errorMessage ?? 'the request failed';
    throw new CompactionError(`Could not summarise the conversation: ${why}.`, response.errorKind);
  }
  const summary = response.content.map((b) => (b.type === 'text' ? b.text : '')).join('').trim();
  if (!summary) throw new CompactionError('Could not summarise the conversation: the model returned no text.');

  const kept = messages.slice(cut).map((m) => ({ role: m.role, content: [...m.content] }));
  const head: Message = { role: 'user', content: [{ type: 'text', text: summaryText(summary) }] };
  if (kept[0]?.role === 'user') head.content.push(...kept.shift()!.content);
  const compacted = [head, ...kept];
  normalizeConversation(compacted);
  return {
    messages: compacted, summary, usage: response.usage, summarised: cut, kept: messages.length - cut,
    ...(opts.focus ? { focus: opts.focus } : {}),
  };
}

/**
 * Where the kept part starts: at an assistant message, or at a user prompt carrying no tool results, so no
 * tool_use is parted from its result. Keeps `turns` assistant replies (plus the prompt that began them) when
 * they fit `maxChars`, fewer when not, but never drops the trailing user message the next request answers.
 * Returns 0 when nothing can be summarised.
 */
export function chooseCut(messages: Message[], turns: number, maxChars: number): number {
  const n = messages.length;
  const cuts: number[] = [];
  for (let i = 1; i < n; i++) if (isCutPoint(messages[i]!)) cuts.push(i);
  if (messages.at(-1)?.role === 'assistant') cuts.push(n);
  // The latest cut allowed: a trailing user message stays, with the assistant turn its results answer.
  const last = messages.at(-1);
  const latest = last?.role !== 'user' ? n
    : last.content.some((b) => b.type === 'tool_result') ? messages.findLastIndex((m) => m.role === 'assistant') : n - 1;
  const allowed = cuts.filter((c) => c <= latest);
  if (!allowed.length) return 0;

  const assistants = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
  let cut = latest;
  if (turns > 0) cut = assistants.length >= turns ? assistants[assistants.length - turns]! : 0;
  if (cut > 0 && isPlainPrompt(messages[cut - 1]!)) cut--;
  // Move later while the kept part is too large or nothing would be summarised; at worst keep the minimum.
  const sizeFrom = suffixSizes(messages);
  return allowed.find((c) => c >= cut && sizeFrom[c]! <= maxChars) ?? allowed.at(-1)!;
}

function isCutPoint(m: Message): boolean {
  return m.role === 'assistant' || isPlainPrompt(m);
}

function isPlainPrompt(m: Message): boolean {
  return m.role === 'user' && !m.content.some((b) => b.type === 'tool_result');
}

/** sizeFrom[i]: characters of messages[i..] as JSON, roughly what keeping them costs. */
function suffixSizes(messages: Message[]): number[] {
  const sizes = new Array<number>(messages.length + 1).fill(0);
  for (let i = messages.length - 1; i >= 0; i--) sizes[i] = sizes[i + 1]! + JSON.stringify(messages[i]!.content).length;
  return sizes;
}

async function complete(model: Model, request: Parameters<Model['stream']>[0]): Promise<ModelResponse> {
  try {
    for await (const event of model.stream(request)) if (event.type === 'done') return event.response;
  } catch (err) {
    return failure(`the model provider failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return failure('the model stream ended without a response');
}

function failure(errorMessage: string): ModelResponse {
  return { content: [], stopReason: 'error', usage: emptyUsage(), errorMessage, errorKind: 'unknown' };
}
