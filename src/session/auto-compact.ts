// Automatic compaction around model calls: before a request that would pass the threshold, and after a
// "prompt is too long" refusal (then the loop sends the request again), through the loop's context hooks.
import type { ContextHooks } from '../core/agent-loop.js';
import type { Message, Model, Usage } from '../core/types.js';
import { compactConversation, CompactionError, type CompactionResult, type CompactOptions } from './compaction.js';
import { contextTokens } from './pricing.js';

export type CompactionReason = 'threshold' | 'prompt_too_long' | 'manual';

export interface AutoCompactOptions {
  contextWindow: number;
  /** Fraction of the window at which to compact before sending. Default 0.8. */
  threshold?: number;
  compact?: Omit<CompactOptions, 'signal' | 'focus'>;
  /** Compaction is starting (it takes a model call): show progress. */
  onStart?: (reason: CompactionReason) => void;
  /** The conversation was replaced: record it in the transcript, tell the user. */
  onCompacted?: (result: CompactionResult, reason: CompactionReason) => void;
  /** Automatic compaction failed; the request goes ahead as it was. */
  onError?: (error: CompactionError, reason: CompactionReason) => void;
}

/** Tracks how full the context is from each response's usage and compacts the conversation when needed. */
export class AutoCompactor {
  #model: Model;
  #opts: AutoCompactOptions;
  #last?: Usage;
  /** After a failed automatic compaction, the estimate must grow past this before trying again. */
  #retryAbove = 0;

  /** `model` makes the summarising requests. */
  constructor(model: Model, opts: AutoCompactOptions) {
    this.#model = model;
    this.#opts = opts;
  }

  /** Summaries use `model` from now on (after /model), so their usage is counted where it is spent; its window too. */
  useModel(model: Model, contextWindow?: number): void {
    this.#model = model;
    if (contextWindow !== undefined) this.#opts = { ...this.#opts, contextWindow };
  }

  /** Seeds the measurement, e.g. from LoadedTranscript.lastUsage on resume. */
  noteUsage(usage: Usage | undefined): void {
    this.#last = usage;
  }

  get lastUsage(): Usage | undefined { return this.#last; }

  /**
   * Tokens the next request is expected to carry: the last measured context plus a rough count (4 characters a
   * token) of what came after the last assistant message, or of everything when nothing was measured.
   */
  estimateTokens(messages: Message[]): number {
    const since = this.#last ? messages.findLastIndex((m) => m.role === 'assistant') + 1 : 0;
    const added = messages.slice(since).reduce((n, m) => n + JSON.stringify(m.content).length, 0);
    return (this.#last ? contextTokens(this.#last) : 0) + Math.ceil(added / 4);
  }

  /** Compacts `messages` in place and reports it; throws CompactionError when it cannot. */
  async compact(messages: Message[], reason: CompactionReason, opts: { focus?: string; signal?: AbortSignal } = {}): Promise<CompactionResult> {
    this.#opts.onStart?.(reason);
    const result = await compactConversation(messages, this.#model, { ...this.#opts.compact, ...opts });
    messages.splice(0, messages.length, ...result.messages);
    this.#last = undefined;
    this.#opts.onCompacted?.(result, reason);
    return result;
  }

  /** Compacts when the estimate reaches the threshold; failures are reported, not thrown. */
  async maybeCompact(messages: Message[], signal?: AbortSignal): Promise<CompactionResult | undefined> {
    const estimate = this.estimateTokens(messages);
    const limit = this.#opts.contextWindow * (this.#opts.threshold ?? 0.8);
    if (estimate < limit || estimate < this.#retryAbove) return undefined;
    const result = await this.#tryCompact(messages, 'threshold', signal);
    // Do not pay for a failing summary on every request: wait for another 5% of the window first.
    this.#retryAbove = result ? 0 : estimate + this.#opts.contextWindow * 0.05;
    return result;
  }

  /** The loop's context hooks: compact before a request when needed, and once after "prompt is too long". */
  hooks(): ContextHooks {
    return {
      beforeRequest: async (messages, signal) => {
        await this.maybeCompact(messages, signal);
      },
      // A server that reports no usage (some local ones) leaves the estimate to the conversation's size.
      afterResponse: (usage) => { this.#last = contextTokens(usage) > 0 ? usage : undefined; },
      onPromptTooLong: async (messages, signal) =>
        (await this.#tryCompact(messages, 'prompt_too_long', signal)) !== undefined,
    };
  }

  async #tryCompact(messages: Message[], reason: CompactionReason, signal?: AbortSignal): Promise<CompactionResult | undefined> {
    try {
      return await this.compact(messages, reason, { signal });
    } catch (err) {
      const error = err instanceof CompactionError ? err : new CompactionError(String(err));
      this.#opts.onError?.(error, reason);
      return undefined;
    }
  }
}
