// Keeps a transcript in step with a live conversation: feed it the loop's events and it appends what was
// added to the messages since the last call, plus each tool result the moment its tool ends.
import type { AgentEvent } from '../core/events.js';
import { addUsage, emptyUsage, type Message, type Usage } from '../core/types.js';
import { contentForModel } from '../core/text.js';
import type { CompactionResult } from './compaction.js';
import type { TranscriptWriter } from './transcript-writer.js';

/**
 * Records `messages` (the array the loop and the REPL extend) through `writer`. Everything already in it when
 * the recorder is created counts as recorded (a resumed conversation is in the transcript already).
 * Contract: the conversation only grows at its end (new messages, blocks appended to the last message), except
 * through `compacted()`; a conversation found shorter than before is recorded whole as a replacement.
 */
export class TranscriptRecorder {
  #writer: TranscriptWriter;
  #messages: Message[];
  #model: string;
  #count = 0;
  #blocks = 0;
  /** Tool results written at tool_end, not yet seen in the conversation. */
  #early = new Set<string>();
  /** Session usage per model, as recorded (for /cost); seeded from the transcript on resume. */
  readonly usageByModel: Record<string, Usage>;

  constructor(writer: TranscriptWriter, messages: Message[], opts: { model: string; usageByModel?: Record<string, Usage> }) {
    this.#writer = writer;
    this.#messages = messages;
    this.#model = opts.model;
    this.usageByModel = { ...opts.usageByModel };
    this.#mark();
  }

  /** Pass every loop event here (from `emit`). */
  onEvent(event: AgentEvent): void {
    switch (event.type) {
      // Streamed pieces change nothing in the conversation: no need to look for new messages.
      case 'text_delta': case 'thinking_delta': case 'tool_progress': return;
      case 'tool_end': {
        // Same block the loop builds from the result (runToolCalls), written before the batch completes.
        const content = contentForModel(event.result.content);
        const block = { type: 'tool_result' as const, tool_use_id: event.id, content, ...(event.result.isError ? { is_error: true } : {}) };
        this.#writer.message('user', [block], event.result.details);
        this.#early.add(event.id);
        break;
      }
      case 'usage':
        this.#writer.usage(event.usage, this.#model);
        this.#tally(this.#model, event.usage);
        break;
      case 'info': this.#writer.notice('info', event.message); break;
      case 'error': this.#writer.notice('error', event.message); break;
      case 'retry': this.#writer.notice('warning', `retry ${event.attempt}: ${event.reason}`); break;
      default: break;
    }
    this.sync();
  }

  /** Appends what the conversation gained since the last call; call it after adding a user prompt too. */
  sync(): void {
    const messages = this.#messages;
    const last = this.#count > 0 ? messages[this.#count - 1] : undefined;
    if (messages.length < this.#count || (last && last.content.length < this.#blocks)) {
      this.#writer.compaction('', messages);
      this.#mark();
      return;
    }
    for (let i = Math.max(0, this.#count - 1); i < messages.length; i++) {
      const m = messages[i]!;
      const from = i === this.#count - 1 ? this.#blocks : 0;
      const fresh = m.content.slice(from).filter((b) => !(b.type === 'tool_result' && this.#early.delete(b.tool_use_id)));
      this.#writer.message(m.role, fresh);
    }
    this.#mark();
  }

  /** The conversation was replaced by `result.messages` (already spliced in): record the compaction. */
  compacted(result: CompactionResult, opts: { model?: string } = {}): void {
    const model = opts.model ?? this.#model;
    this.#writer.compaction(result.summary, result.messages, { usage: result.usage, model, ...(result.focus ? { focus: result.focus } : {}) });
    this.#tally(model, result.usage);
    this.#early.clear();
    this.#mark();
  }

  /** A subagent's request (`agent`, e.g. "a1 (explore)"): recorded apart, counted in the session's total. */
  subagentUsage(agent: string, model: string, usage: Usage): void {
    this.#writer.usage(usage, model, agent);
    this.#tally(model, usage);
  }

  setModel(model: string): void {
    this.#model = model;
  }

  #tally(model: string, usage: Usage): void {
    this.usageByModel[model] = addUsage(this.usageByModel[model] ?? emptyUsage(), usage);
  }

  #mark(): void {
    this.#count = this.#messages.length;
    this.#blocks = this.#messages.at(-1)?.content.length ?? 0;
  }
}
