// What a test scripts the model server to do for one request: an assistant reply (builder), an HTTP fault, or a hang-up.
import { randomBytes } from 'node:crypto';
import type { MessagesRequestBody } from './model-wire.js';

export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  /** `json` is streamed verbatim, so a test can script input that never parses. */
  | { type: 'tool_use'; id: string; name: string; json: string };

/** Everything the server needs to render one reply; built by `reply()`. */
export interface ReplySpec {
  blocks: ScriptedBlock[];
  stopReason: string;
  usage: ScriptedUsage;
  /** Destroy the socket after this many SSE events have been flushed. */
  cutAfter?: number;
  /** End the response cleanly after this many SSE events, message_stop never sent (as a proxy timing out may). */
  endAfter?: number;
  chunkDelayMs: number;
  /** Send an SSE `error` event after the content blocks instead of message_delta / message_stop. */
  streamError?: { type: string; message: string };
  /** Send the content blocks, then keep the connection open until the client or the server closes it. */
  hang: boolean;
  /** Send the whole reply (message_stop, [DONE]), then keep the connection open instead of ending it. */
  keepOpen?: boolean;
}

/** Builder for one assistant turn; stop_reason is tool_use when a tool is called, else end_turn, unless set. */
export class Reply {
  readonly kind = 'reply';
  #blocks: ScriptedBlock[] = [];
  #stopReason?: string;
  #usage: ScriptedUsage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  #cutAfter?: number;
  #endAfter?: number;
  #chunkDelayMs = 0;
  #streamError?: { type: string; message: string };
  #hang = false;
  #keepOpen = false;

  text(text: string): this {
    this.#blocks.push({ type: 'text', text });
    return this;
  }

  thinking(thinking: string, signature = `sig_${randomId(32)}`): this {
    this.#blocks.push({ type: 'thinking', thinking, signature });
    return this;
  }

  redactedThinking(data = `redacted_${randomId(32)}`): this {
    this.#blocks.push({ type: 'redacted_thinking', data });
    return this;
  }

  tool(name: string, input: Record<string, unknown>, id = toolUseId()): this {
    this.#blocks.push({ type: 'tool_use', id, name, json: JSON.stringify(input) });
    return this;
  }

  /** A tool call whose input JSON is streamed exactly as given, valid or not (e.g. cut off at max_tokens). */
  toolJson(name: string, json: string, id = toolUseId()): this {
    this.#blocks.push({ type: 'tool_use', id, name, json });
    return this;
  }

  stop(reason: string): this {
    this.#stopReason = reason;
    return this;
  }

  usage(usage: Partial<ScriptedUsage>): this {
    this.#usage = { ...this.#usage, ...usage };
    return this;
  }

  cutAfter(events: number): this {
    this.#cutAfter = events;
    return this;
  }

  endAfter(events: number): this {
    this.#endAfter = events;
    return this;
  }

  chunkDelayMs(ms: number): this {
    this.#chunkDelayMs = ms;
    return this;
  }

  streamError(type = 'overloaded_error', message = 'Overloaded'): this {
    this.#streamError = { type, message };
    return this;
  }

  hang(): this {
    this.#hang = true;
    return this;
  }

  /** The whole reply, then a connection left open (as some proxies and servers do). */
  keepOpen(): this {
    this.#keepOpen = true;
    return this;
  }

  spec(): ReplySpec {
    const calledTool = this.#blocks.some((b) => b.type === 'tool_use');
    return {
      blocks: this.#blocks.map((b) => ({ ...b })),
      stopReason: this.#stopReason ?? (calledTool ? 'tool_use' : 'end_turn'),
      usage: { ...this.#usage },
      cutAfter: this.#cutAfter,
      endAfter: this.#endAfter,
      chunkDelayMs: this.#chunkDelayMs,
      streamError: this.#streamError,
      hang: this.#hang,
      keepOpen: this.#keepOpen,
    };
  }
}

/** An HTTP error response in the API's shape. */
export interface Fault {
  readonly kind: 'fault';
  status: number;
  type: string;
  message?: string;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
  /** Milliseconds, sent as the `retry-after-ms` header. */
  retryAfterMs?: number;
}

/** The server destroys the socket without answering (a connection reset). */
export interface Hangup { readonly kind: 'hangup' }

export type ScriptedResponse = Reply | Fault | Hangup;

/** A scripted response, or a function choosing one from the request it answers. */
export type Scripted = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. '/v1/messages?beta=true'. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body ({} when the body is not JSON; see `rawBody`). */
  body: MessagesRequestBody;
  rawBody: string;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
  504: 'timeout_error', 529: 'overloaded_error',
};

export function reply(): Reply {
  return new Reply();
}

export function fault(
  status: number,
  options: { message?: string; type?: string; retryAfter?: number; retryAfterMs?: number } = {},
): Fault {
  const type = options.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { kind: 'fault', status, ...options, type };
}

export function hangup(): Hangup {
  return { kind: 'hangup' };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomId(length: number): string {
  return Array.from(randomBytes(length), (byte) => BASE62[byte % 62]).join('');
}

export function toolUseId(): string {
  return `toolu_01${randomId(22)}`;
}
