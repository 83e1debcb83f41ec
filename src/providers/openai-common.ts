// What the two OpenAI API kinds share: the client, its options, error reading, usage, tool-call ids.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { Usage } from '../core/types.js';
import { classifyFailure, describeSdkError, type FailureContext, type ModelFailure } from './errors.js';
import type { RetryLoopOptions } from './retry-loop.js';

/** Switches real servers need; every one has a default that suits api.openai.com. */
export interface OpenAICompat {
  /** Role of the system prompt in chat completions: `developer` for OpenAI's reasoning models. Default `system`. */
  systemRole?: 'system' | 'developer';
  /** Send `stream_options: {include_usage: true}`. Default true. */
  streamUsage?: boolean;
  /** Name of the output limit in chat completions. Default `max_tokens` (`max_completion_tokens` for OpenAI). */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Tool-call ids as the server requires: `mistral` wants exactly 9 letters and digits. Default any. */
  toolCallIds?: 'any' | 'mistral';
  /** Send reasoning back as `reasoning_content` (DeepSeek's thinking with tool calls). Default false. */
  sendReasoning?: boolean;
  /** Mark the prompt for caching with Anthropic's `cache_control` (OpenRouter's Anthropic models). Default false. */
  cacheControl?: boolean;
  /** Responses API: ask for encrypted reasoning so it is carried across turns (reasoning models). Default true. */
  encryptedReasoning?: boolean;
}

export interface OpenAIModelOptions extends Partial<Omit<RetryLoopOptions, 'secrets' | 'providerName'>> {
  model: string;
  /** Omitted for local servers that need none (a placeholder is sent, as the SDK requires one). */
  apiKey?: string;
  baseURL: string;
  headers?: Record<string, string>;
  compat?: OpenAICompat;
  /** Names used in messages: "OpenAI", "OpenRouter", "Ollama". */
  apiName?: string;
  hints?: Partial<Pick<FailureContext, 'keyHint' | 'baseUrlHint' | 'modelHint' | 'listenHint'>>;
  /** Reasoning models get encrypted reasoning and a reasoning summary in the Responses API. */
  reasoning?: boolean;
}

export interface OpenAIParts {
  client: OpenAI;
  ctx: FailureContext;
  secrets: (string | undefined)[];
  classify(error: unknown): ModelFailure;
}

/** The SDK client (its retries off: the shared loop retries) and how to read its errors. */
export function openAIParts(options: OpenAIModelOptions): OpenAIParts {
  const client = new OpenAI({
    apiKey: options.apiKey || 'no-key', baseURL: options.baseURL, maxRetries: 0, logLevel: 'off',
    defaultHeaders: options.headers, timeout: 10 * 60_000,
  });
  const secrets = [options.apiKey];
  const ctx: FailureContext = {
    model: options.model, baseURL: options.baseURL, secrets, apiName: options.apiName ?? 'OpenAI-compatible',
    keyHint: 'OPENAI_API_KEY', baseUrlHint: '--base-url', modelHint: '--model', ...options.hints,
  };
  const classes = { APIError, APIConnectionError, APIConnectionTimeoutError };
  return { client, ctx, secrets, classify: (error) => classifyFailure(describeSdkError(error, classes), ctx) };
}

/** Usage as the loop counts it: fresh input apart from cached input (OpenAI counts cached tokens inside prompt tokens). */
export function usageFrom(raw: {
  prompt_tokens?: number; completion_tokens?: number; input_tokens?: number; output_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null; input_tokens_details?: { cached_tokens?: number | null } | null;
  prompt_cache_hit_tokens?: number;
} | null | undefined): Usage | undefined {
  if (!raw) return undefined;
  const prompt = raw.prompt_tokens ?? raw.input_tokens ?? 0;
  const cached = raw.prompt_tokens_details?.cached_tokens ?? raw.input_tokens_details?.cached_tokens ?? raw.prompt_cache_hit_tokens ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: raw.completion_tokens ?? raw.output_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

/** An id the server takes: Mistral's nine letters and digits, else at most 40 characters (OpenAI's limit). */
export function wireToolCallId(id: string, style: OpenAICompat['toolCallIds']): string {
  if (style === 'mistral') return /^[a-zA-Z0-9]{9}$/.test(id) ? id : hashId(id, 9);
  return id.length <= 40 ? id : `call_${hashId(id, 24)}`;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A stable id of `length` letters and digits for `text` (FNV-1a, stretched). */
function hashId(text: string, length: number): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < length; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += ALNUM[h % ALNUM.length];
  }
  return out;
}

/** A fresh call id for a server that sent none (or repeated one). */
export function newCallId(): string {
  let id = 'call_';
  for (let i = 0; i < 24; i++) id += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return id;
}

/** Text of a tool result, whether a string or content blocks (images become a placeholder). */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: { type?: string; text?: string }) => (b.type === 'text' ? b.text ?? '' : b.type === 'image' ? '[image]' : '')).join('');
}

/** Image blocks of a tool result or user message, as data URLs. */
export function imageUrls(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  return content
    .filter((b: { type?: string }) => b.type === 'image')
    .map((b: { source?: { media_type?: string; data?: string } }) => `data:${b.source?.media_type ?? 'image/png'};base64,${b.source?.data ?? ''}`);
}

/** A tool's JSON schema as OpenAI takes it: an object schema always has `properties` (some servers insist). */
export function parametersOf(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema;
  return rest.type === 'object' && rest.properties === undefined ? { ...rest, properties: {} } : rest;
}

/** Parses a call's arguments: empty is {}; anything but a JSON object is a reason the call cannot run. */
export function parseArguments(json: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  if (json.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, reason: 'its arguments were not a JSON object' };
  } catch (error) {
    return { ok: false, reason: `its arguments were not valid JSON (${(error as Error).message.split('\n')[0]}; ${json.length} characters)` };
  }
}
