// The one event union the loop emits; print mode, the REPL and the terminal UI consume it.
import type { ContentBlock, Message, StopReason, ToolResult, Usage } from './types.js';

export type AgentEvent =
  | { type: 'turn_start'; turn: number }
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; text: string }
  /** The provider retries; text streamed since the last request start must be discarded by displays. */
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  /** Content the before-model hook appended to the trailing user message (e.g. task notices). */
  | { type: 'injected'; blocks: ContentBlock[] }
  | { type: 'assistant_message'; message: Message; stopReason: StopReason }
  | { type: 'tool_start'; id: string; name: string; input: unknown; summary: string }
  | { type: 'tool_progress'; id: string; text: string }
  | { type: 'tool_end'; id: string; name: string; result: ToolResult; durationMs: number }
  | { type: 'usage'; usage: Usage; total: Usage }
  /** Something the loop did on its own that the user should know (continuing after max_tokens, ...). */
  | { type: 'info'; message: string }
  | { type: 'turn_end'; turn: number; stopReason: StopReason }
  | { type: 'error'; message: string };

/** How a run of the loop ended. */
export interface AgentResult {
  /** 'end_turn' on success; 'error', 'aborted', 'refusal', 'max_turns' otherwise. */
  outcome: 'end_turn' | 'error' | 'aborted' | 'refusal' | 'max_turns' | 'max_tokens';
  /** The final assistant text of the run (all text blocks of the last assistant message). */
  text: string;
  turns: number;
  usage: Usage;
  errorMessage?: string;
}
