// Conversation, model and tool contracts shared by every layer. Pure types: no I/O, no node: imports.
// Messages are Anthropic-shaped because that is the richest wire format; other providers translate.

export interface TextBlock { type: 'text'; text: string }
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
export interface ImageBlock { type: 'image'; source: { type: 'base64'; media_type: ImageMediaType; data: string } }
export interface ToolUseBlock { type: 'tool_use'; id: string; name: string; input: unknown }
/** What a tool result holds: plain text, or text and images (a screenshot, an image file read). */
export type ToolResultContent = string | Array<TextBlock | ImageBlock>;
export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: ToolResultContent;
  is_error?: boolean;
}
/**
 * Extended-thinking blocks are kept opaque and sent back verbatim, as the API requires. `origin` names the API
 * kind that produced a block when it is not Anthropic's (`openai-chat`, `openai-responses`): a provider sends
 * back only the reasoning it can take, and the transcript keeps all of it. For Responses reasoning items,
 * `signature` holds the encrypted content and `itemId` the item's id.
 */
export interface ThinkingBlock { type: 'thinking'; thinking: string; signature: string; origin?: string; itemId?: string }
export interface RedactedThinkingBlock { type: 'redacted_thinking'; data: string }

export type ContentBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;

/** Content is always an array, so appending to a message never needs a shape check. */
export interface Message { role: 'user' | 'assistant'; content: ContentBlock[] }

export type StopReason =
  | 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn'
  | 'model_context_window_exceeded'
  /** The request failed for good (after retries); see `errorMessage`. */
  | 'error'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export const emptyUsage = (): Usage => ({
  input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0,
});

export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  return {
    input_tokens: a.input_tokens + (b.input_tokens ?? 0),
    output_tokens: a.output_tokens + (b.output_tokens ?? 0),
    cache_read_input_tokens: a.cache_read_input_tokens + (b.cache_read_input_tokens ?? 0),
    cache_creation_input_tokens: a.cache_creation_input_tokens + (b.cache_creation_input_tokens ?? 0),
  };
}

// ---- Model ----

/** JSON Schema of a tool's input, as sent to the model. */
export type JsonSchema = Record<string, unknown>;

export interface ToolSpec { name: string; description: string; input_schema: JsonSchema }

export interface ModelRequest {
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxTokens: number;
  signal?: AbortSignal;
}

export type ModelStreamEvent =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; text: string }
  | { type: 'tool_use_start'; id: string; name: string }
  /** The request is being retried; anything streamed since the last `retry` or start must be discarded. */
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  | { type: 'done'; response: ModelResponse };

export interface ModelResponse {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  /** Set when stopReason is 'error': what went wrong and what to do about it, in one line. */
  errorMessage?: string;
  /** Set when stopReason is 'error', so callers can react (compact on 'prompt_too_long', stop on 'auth'). */
  errorKind?: ModelErrorKind;
  /** tool_use blocks left out of `content` because their input JSON was cut off or invalid (e.g. at max_tokens). */
  droppedToolUse?: { name: string; reason: string; id?: string }[];
}

export type ModelErrorKind =
  | 'auth' | 'permission' | 'not_found' | 'invalid_request' | 'prompt_too_long'
  | 'rate_limit' | 'overloaded' | 'server' | 'connection' | 'stream_broken' | 'unknown'
  /** The base URL answers, but not as the API (a web page, plain text): a configuration problem. */
  | 'bad_endpoint';

/**
 * A model endpoint. Contract: `stream` never throws and never rejects; every failure, after the provider's
 * own retries, ends the stream with a `done` event whose stopReason is 'error' (or 'aborted').
 */
export interface Model {
  readonly id: string;
  stream(request: ModelRequest): AsyncIterable<ModelStreamEvent>;
}

// ---- Tools ----

export interface ToolResult {
  /** What the model gets. */
  content: ToolResultContent;
  isError?: boolean;
  /** Typed facts for front ends (exit code, diff, ...); never sent to the model. */
  details?: ToolDetails;
}

/** Typed details of a tool result; `kind` says which shape. Front ends read these instead of parsing text. */
export interface ToolDetails { kind: string; [key: string]: unknown }

/** How a command (bash, a background task's start) ran. */
export interface CommandDetails extends ToolDetails {
  kind: 'command';
  command: string;
  /** The model's short description of the command, if it gave one. */
  description?: string;
  /** null when it did not exit on its own (signal, timeout, still running in the background). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  /** Set when the command moved to (or was started in) the background: the task id. */
  backgroundedAs?: string;
  durationMs: number;
}

/** A file tandem wrote or edited. */
export interface FileChangeDetails extends ToolDetails {
  kind: 'file_change';
  path: string;
  created: boolean;
  /** A unified diff of the change, when one was made. */
  diff?: string;
}

export function isCommandDetails(d: ToolDetails | undefined): d is CommandDetails {
  return d?.kind === 'command';
}

export function isFileChangeDetails(d: ToolDetails | undefined): d is FileChangeDetails {
  return d?.kind === 'file_change';
}

export interface ToolContext {
  /** Fires when the user interrupts; a tool must stop promptly and return. */
  signal: AbortSignal;
  toolUseId: string;
  /** Optional live output for UIs (e.g. lines of a running command). */
  onProgress?: (text: string) => void;
}

/**
 * A tool as the loop sees it. Contract: `execute` resolves with a ToolResult for every input, valid or not;
 * the loop still guards against a throw, but a tool that throws is a bug.
 */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  /** Read-only tools with no side effects may run concurrently with each other. */
  readonly readOnly?: boolean;
  /**
   * Only starts something and returns (background_run): consecutive calls of such tools are authorised one by
   * one, in order, and each runs as soon as it is allowed, without waiting for the one before to finish.
   */
  readonly startsOnly?: boolean;
  execute(input: unknown, ctx: ToolContext): Promise<ToolResult>;
  /** A short one-line summary of an input, for progress lines ("npm test", "src/a.ts:10-50"). */
  summarize?(input: unknown): string;
}
