// Checks a Messages API request the way the real API does, with its error messages; a rejection is an HTTP error.
import type { IncomingHttpHeaders } from 'node:http';

export interface Rejection { status: number; type: string; message: string }

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

export function checkHeaders(headers: IncomingHttpHeaders): Rejection | undefined {
  if (!headers['x-api-key'] && !headers.authorization) {
    return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
  }
  if (!headers['anthropic-version']) {
    return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  }
  return undefined;
}

export function checkBody(body: unknown): Rejection | undefined {
  const message = bodyProblem(body);
  return message === undefined ? undefined : { status: 400, type: 'invalid_request_error', message };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function bodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'There was an issue with your request body: expected a JSON object';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  if ((body.max_tokens as number) < 1) return 'max_tokens: Input should be greater than or equal to 1';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    return 'system: Input should be a valid string or a list of text blocks';
  }
  return toolsProblem(body.tools) ?? messagesProblem(body.messages);
}

function toolsProblem(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool) || typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    }
    if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') {
      return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
    }
    if (names.has(tool.name)) return 'tools: Tool names must be unique.';
    names.add(tool.name);
  }
  return undefined;
}

function messagesProblem(messages: unknown[]): string | undefined {
  let pendingToolUse: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const blocks: Json[] = typeof message.content === 'string'
      ? [{ type: 'text', text: message.content }]
      : Array.isArray(message.content) ? message.content.filter(isObject) : [];
    const isFinalAssistant = i === messages.length - 1 && message.role === 'assistant';
    if (blocks.length === 0 && !isFinalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    if (blocks.some((b) => b.type === 'text' && b.text === '')) return 'messages: text content blocks must be non-empty';
    const results = blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    const missing = pendingToolUse.filter((id) => !results.includes(id));
    if (missing.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. `
        + 'Each `tool_use` block must have a corresponding `tool_result` block in the next message.';
    }
    const unexpected = results.find((id) => !pendingToolUse.includes(id));
    if (unexpected !== undefined) {
      return `messages.${i}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected}. `
        + 'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.';
    }
    pendingToolUse = message.role === 'assistant'
      ? blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id))
      : [];
  }
  return undefined;
}
