// The messages Claude Code prints with `--output-format stream-json --verbose`, built from tandem's loop events:
// what the Claude Agent SDK reads. Tool names are Claude Code's (Bash, Read, ...) where it has the tool.
import { randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../core/events.js';
import type { ContentBlock, Message, Usage } from '../../core/types.js';
import { addUsage, emptyUsage } from '../../core/types.js';
import { describeStatus } from '../../tasks/notices.js';
import type { TaskNotice, TaskSnapshot } from '../../tasks/types.js';
import { claudeToolName } from '../../tools/claude-names.js';
import type { PermissionDenial } from '../../session/tool-hooks.js';

export type SdkMessage = Record<string, unknown> & { type: string };

/** Dollars as the SDK shows them: rounded to a billionth, so binary noise (0.005058000000000001) never shows. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

export function withClaudeToolNames(content: ContentBlock[]): ContentBlock[] {
  return content.map((b) => (b.type === 'tool_use' ? { ...b, name: claudeToolName(b.name) } : b));
}

export function permissionDenials(denials: readonly PermissionDenial[]): SdkMessage['permission_denials'] {
  return denials.map((d) => ({
    tool_name: claudeToolName(d.toolName),
    tool_use_id: d.toolUseId,
    tool_input: (d.input && typeof d.input === 'object' ? d.input : {}) as Record<string, unknown>,
  }));
}

/** Turns one prompt's loop events into SDK messages; `write` gets each as it is ready. */
export class SdkTurnWriter {
  readonly usage: Usage = emptyUsage();
  apiMs = 0;
  #requestStarted: number | undefined;
  #model: string;
  #partial: PartialStream | undefined;

  constructor(
    private readonly sessionId: string,
    model: string,
    private readonly write: (message: SdkMessage) => void,
    opts: { includePartialMessages?: boolean } = {},
  ) {
    this.#model = model;
    if (opts.includePartialMessages) this.#partial = new PartialStream((event) => this.#emit({ type: 'stream_event', event, parent_tool_use_id: null }));
  }

  set model(model: string) { this.#model = model; }

  onEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'turn_start':
        this.#requestStarted = Date.now();
        this.#partial?.start(this.#model);
        break;
      case 'text_delta': this.#partial?.delta('text', event.text); break;
      case 'thinking_delta': this.#partial?.delta('thinking', event.text); break;
      case 'retry': this.#partial?.reset(); break;
      case 'usage':
        if (this.#requestStarted !== undefined) this.apiMs += Date.now() - this.#requestStarted;
        this.#requestStarted = undefined;
        Object.assign(this.usage, addUsage(this.usage, event.usage));
        break;
      case 'assistant_message':
        this.#partial?.stop(event.stopReason);
        this.#assistant(event.message, event.stopReason);
        break;
      case 'tool_end':
        this.#emit({
          type: 'user',
          message: {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: event.id, content: event.result.content || '(no output)', ...(event.result.isError ? { is_error: true } : {}) }],
          },
          parent_tool_use_id: null,
          tool_use_result: event.result.content,
        });
        break;
      default: break;
    }
  }

  #assistant(message: Message, stopReason: string): void {
    this.#emit({
      type: 'assistant',
      message: {
        id: `msg_${randomUUID().replaceAll('-', '')}`,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: withClaudeToolNames(message.content),
        stop_reason: stopReason,
        stop_sequence: null,
        usage: this.usage,
      },
      parent_tool_use_id: null,
    });
  }

  #emit(message: SdkMessage): void {
    this.write({ ...message, session_id: this.sessionId, uuid: randomUUID() });
  }
}

/**
 * Raw Messages-API stream events (--include-partial-messages), rebuilt from the loop's deltas: a message_start
 * per request, a content block per run of text or thinking, and the stop events when the message is whole.
 */
class PartialStream {
  #index = -1;
  #kind: 'text' | 'thinking' | undefined;
  #open = false;

  constructor(private readonly emit: (event: Record<string, unknown>) => void) {}

  start(model: string): void {
    this.#index = -1;
    this.#kind = undefined;
    this.#open = true;
    this.emit({
      type: 'message_start',
      message: { id: `msg_${randomUUID().replaceAll('-', '')}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: emptyUsage() },
    });
  }

  delta(kind: 'text' | 'thinking', text: string): void {
    if (!this.#open) return;
    if (this.#kind !== kind) {
      this.#closeBlock();
      this.#index++;
      this.#kind = kind;
      this.emit({ type: 'content_block_start', index: this.#index, content_block: kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' } });
    }
    this.emit({ type: 'content_block_delta', index: this.#index, delta: kind === 'text' ? { type: 'text_delta', text } : { type: 'thinking_delta', thinking: text } });
  }

  /** A retried request: what streamed so far is void; the next request starts afresh. */
  reset(): void {
    this.#closeBlock();
  }

  stop(stopReason: string): void {
    if (!this.#open) return;
    this.#closeBlock();
    this.emit({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 0 } });
    this.emit({ type: 'message_stop' });
    this.#open = false;
  }

  #closeBlock(): void {
    if (this.#kind !== undefined) this.emit({ type: 'content_block_stop', index: this.#index });
    this.#kind = undefined;
  }
}

export function taskStartedMessage(task: TaskSnapshot, sessionId: string): SdkMessage {
  return {
    type: 'system', subtype: 'task_started', task_id: task.id, description: task.command, task_type: 'local_bash',
    is_backgrounded: true, session_id: sessionId, uuid: randomUUID(),
  };
}

export function taskNotificationMessage(notice: TaskNotice, sessionId: string): SdkMessage {
  const t = notice.task;
  const status = t.status === 'exited' && t.exitCode === 0 ? 'completed' : t.status === 'killed' ? 'stopped' : 'failed';
  return {
    type: 'system', subtype: 'task_notification', task_id: t.id, status, output_file: t.logPath,
    summary: `${t.command}: ${describeStatus(t)}`, session_id: sessionId, uuid: randomUUID(),
  };
}
