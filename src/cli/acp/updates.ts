// tandem's loop events as ACP `session/update` notifications: message and thought chunks, tool calls with
// their kind, locations, diffs and command output, and background tasks as tool calls of their own.
import path from 'node:path';
import type * as acp from '@agentclientprotocol/sdk';
import type { AgentEvent } from '../../core/events.js';
import { toolResultText } from '../../core/text.js';
import type { Message, ToolResult } from '../../core/types.js';
import type { TaskSnapshot } from '../../tasks/types.js';
import { describeStatus } from '../../tasks/notices.js';

const KINDS: Record<string, acp.ToolKind> = {
  bash: 'execute', background_run: 'execute', write_background: 'execute', kill_background: 'execute',
  read_file: 'read', check_background: 'read', wait_background: 'other',
  write_file: 'edit', edit_file: 'edit',
};

export function toolKind(name: string): acp.ToolKind {
  return KINDS[name] ?? (name.startsWith('mcp__') ? 'other' : 'other');
}

/** What a call is about, as the editor shows it: the command, the file and line range, ... */
export function toolTitle(name: string, summary: string): string {
  return summary ? `${name}: ${summary}` : name;
}

export function toolLocations(name: string, input: unknown, root: string): acp.ToolCallLocation[] | undefined {
  const p = (input as { path?: unknown } | undefined)?.path;
  if (typeof p !== 'string' || !['read_file', 'write_file', 'edit_file'].includes(name)) return undefined;
  const offset = (input as { offset?: unknown }).offset;
  return [{ path: path.resolve(root, p), ...(typeof offset === 'number' ? { line: offset } : {}) }];
}

/** The change an edit makes, as ACP's diff content (old and new text of the part that changes). */
export function toolDiff(name: string, input: unknown, root: string): acp.ToolCallContent[] | undefined {
  const i = (input ?? {}) as Record<string, unknown>;
  if (typeof i.path !== 'string') return undefined;
  const file = path.resolve(root, i.path);
  if (name === 'write_file' && typeof i.content === 'string') return [{ type: 'diff', path: file, oldText: null, newText: i.content }];
  if (name === 'edit_file' && typeof i.old_text === 'string' && typeof i.new_text === 'string') {
    return [{ type: 'diff', path: file, oldText: i.old_text, newText: i.new_text }];
  }
  return undefined;
}

function textContent(text: string): acp.ToolCallContent {
  return { type: 'content', content: { type: 'text', text } };
}

function resultContent(name: string, input: unknown, result: ToolResult, root: string): acp.ToolCallContent[] {
  const diff = !result.isError ? toolDiff(name, input, root) : undefined;
  const text = toolResultText(result.content);
  if (diff) return [...diff, textContent(text)];
  // Command output reads best as a code block in an editor's tool card.
  return [textContent(toolKind(name) === 'execute' && !result.isError ? fence(text) : text)];
}

function fence(text: string): string {
  const ticks = /```/.test(text) ? '````' : '```';
  return `${ticks}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

/** Maps one prompt's events to updates; tool inputs are remembered from tool_start for the end's diff. */
export class UpdateMapper {
  #inputs = new Map<string, { name: string; input: unknown }>();

  constructor(
    private readonly root: string,
    private readonly send: (update: acp.SessionUpdate) => void,
    /** The editor terminal a call ran in, if it did: its card keeps showing it. */
    private readonly terminalOf: (toolCallId: string) => string | undefined = () => undefined,
  ) {}

  onEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'text_delta': this.send({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: event.text } }); break;
      case 'thinking_delta': this.send({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: event.text } }); break;
      case 'tool_start': {
        this.#inputs.set(event.id, { name: event.name, input: event.input });
        const plan = planOf(event.name, event.input);
        if (plan) this.send({ sessionUpdate: 'plan', entries: plan });
        this.send({
          sessionUpdate: 'tool_call', toolCallId: event.id, title: toolTitle(event.name, event.summary), kind: toolKind(event.name),
          status: 'in_progress', rawInput: event.input, locations: toolLocations(event.name, event.input, this.root),
          content: toolDiff(event.name, event.input, this.root),
        });
        break;
      }
      case 'tool_end': {
        const started = this.#inputs.get(event.id);
        const terminalId = this.terminalOf(event.id);
        this.send({
          sessionUpdate: 'tool_call_update', toolCallId: event.id, status: event.result.isError ? 'failed' : 'completed',
          content: terminalId
            ? [{ type: 'terminal', terminalId }]
            : resultContent(event.name, started?.input, event.result, this.root),
          rawOutput: event.result.details ?? toolResultText(event.result.content),
        });
        break;
      }
      case 'retry': this.send({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `\n_(${event.reason}; retrying)_\n` } }); break;
      case 'error': this.send({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `\n**Error:** ${event.message}\n` } }); break;
      default: break;
    }
  }
}

/**
 * The model's plan, when it keeps one with a todo tool (`todo_write` with `todos: [{content, status}]`, as
 * Claude Code's TodoWrite): shown as the editor's plan.
 */
function planOf(name: string, input: unknown): acp.PlanEntry[] | undefined {
  if (name !== 'todo_write' && name !== 'TodoWrite') return undefined;
  const todos = (input as { todos?: unknown } | undefined)?.todos;
  if (!Array.isArray(todos)) return undefined;
  const statuses = new Set(['pending', 'in_progress', 'completed']);
  return todos.filter((t): t is Record<string, unknown> => typeof t === 'object' && t !== null).map((t) => ({
    content: String(t.content ?? t.text ?? ''),
    status: (statuses.has(String(t.status)) ? t.status : 'pending') as acp.PlanEntryStatus,
    priority: (['high', 'medium', 'low'].includes(String(t.priority)) ? t.priority : 'medium') as acp.PlanEntryPriority,
  }));
}

/** A background task, shown as a tool call that stays in progress until the task ends. */
export function taskStartUpdate(task: TaskSnapshot): acp.SessionUpdate {
  return {
    sessionUpdate: 'tool_call', toolCallId: `task-${task.id}`, title: `background task ${task.id}: ${task.command}`,
    kind: 'execute', status: 'in_progress', rawInput: { command: task.command },
  };
}

export function taskEndUpdate(task: TaskSnapshot, tail: string): acp.SessionUpdate {
  const ok = task.status === 'exited' && task.exitCode === 0;
  return {
    sessionUpdate: 'tool_call_update', toolCallId: `task-${task.id}`, status: ok ? 'completed' : 'failed',
    content: [textContent(`${describeStatus(task)}${tail ? `\n${fence(tail)}` : ''}`)],
  };
}

/** A loaded session's conversation, replayed as updates so the editor shows where the user left off. */
export function replayUpdates(messages: readonly Message[], root: string): acp.SessionUpdate[] {
  const out: acp.SessionUpdate[] = [];
  const calls = new Map<string, { name: string; input: unknown }>();
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type === 'text' && b.text.trim()) {
        out.push({ sessionUpdate: m.role === 'user' ? 'user_message_chunk' : 'agent_message_chunk', content: { type: 'text', text: b.text } });
      } else if (b.type === 'thinking') {
        out.push({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: b.thinking } });
      } else if (b.type === 'tool_use') {
        calls.set(b.id, { name: b.name, input: b.input });
        out.push({ sessionUpdate: 'tool_call', toolCallId: b.id, title: b.name, kind: toolKind(b.name), status: 'in_progress', rawInput: b.input, locations: toolLocations(b.name, b.input, root) });
      } else if (b.type === 'tool_result') {
        const call = calls.get(b.tool_use_id);
        const result: ToolResult = { content: b.content, isError: b.is_error };
        out.push({ sessionUpdate: 'tool_call_update', toolCallId: b.tool_use_id, status: b.is_error ? 'failed' : 'completed', content: resultContent(call?.name ?? '', call?.input, result, root) });
      }
    }
  }
  return out;
}
