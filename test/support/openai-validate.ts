// Checks chat-completions and Responses request bodies the way the OpenAI API does, with its messages.
export interface OpenAIRejection { status?: number; message: string; code?: string }

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function checkChatBody(body: Json): OpenAIRejection | undefined {
  if (typeof body.model !== 'string' || body.model === '') return { message: "Missing required parameter: 'model'.", code: 'missing_required_parameter' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return { message: "Missing required parameter: 'messages'.", code: 'missing_required_parameter' };
  if (body.stream !== true) return { message: 'scripted OpenAI server: only streamed requests are scripted' };
  if (body.max_tokens !== undefined && body.max_completion_tokens !== undefined) {
    return { message: 'max_tokens and max_completion_tokens cannot both be set', code: 'invalid_value' };
  }
  const tools = checkTools(body.tools, (t) => (isObject(t.function) ? t.function : undefined), 'tools');
  if (tools) return tools;
  let open: string[] = [];
  for (const [i, m] of (body.messages as unknown[]).entries()) {
    if (!isObject(m) || !['system', 'developer', 'user', 'assistant', 'tool'].includes(String(m.role))) {
      return { message: `Invalid value: '${isObject(m) ? String(m.role) : m}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, code: 'invalid_value' };
    }
    if (m.role === 'tool') {
      const id = String(m.tool_call_id ?? '');
      if (!open.includes(id)) {
        return { message: `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`, code: null as unknown as string };
      }
      if (typeof m.content !== 'string' && !Array.isArray(m.content)) return { message: `Invalid type for 'messages[${i}].content'.` };
      open = open.filter((x) => x !== id);
      continue;
    }
    if (open.length > 0) {
      return { message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}` };
    }
    if (m.role === 'assistant') {
      const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
      if ((m.content === null || m.content === undefined || m.content === '') && calls.length === 0) {
        return { message: `Invalid value for 'content': expected a string, got null.` };
      }
      for (const [j, call] of calls.entries()) {
        if (!isObject(call) || typeof call.id !== 'string' || !call.id) return { message: `Missing required parameter: 'messages[${i}].tool_calls[${j}].id'.` };
        if (call.id.length > 40) return { message: `Invalid 'messages[${i}].tool_calls[${j}].id': string too long. Expected a string with maximum length 40.` };
        const fn = call.function as Json | undefined;
        if (!isObject(fn) || typeof fn.arguments !== 'string') return { message: `Invalid 'messages[${i}].tool_calls[${j}].function.arguments': expected a string.` };
      }
      open = calls.map((c) => String((c as Json).id));
    } else if (m.content === undefined || (typeof m.content !== 'string' && !Array.isArray(m.content))) {
      return { message: `Invalid type for 'messages[${i}].content': expected one of a string or array of objects.` };
    }
  }
  if (open.length > 0) {
    return { message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}` };
  }
  return undefined;
}

export function checkResponsesBody(body: Json): OpenAIRejection | undefined {
  if (typeof body.model !== 'string' || body.model === '') return { message: "Missing required parameter: 'model'." };
  if (!Array.isArray(body.input)) return { message: "Invalid type for 'input': expected a string or an array of input items." };
  if (body.stream !== true) return { message: 'scripted OpenAI server: only streamed requests are scripted' };
  const tools = checkTools(body.tools, (t) => t, 'tools');
  if (tools) return tools;
  const calls = new Set<string>();
  const answered = new Set<string>();
  for (const [i, item] of (body.input as unknown[]).entries()) {
    if (!isObject(item)) return { message: `Invalid type for 'input[${i}]': expected an object.` };
    if (item.type === 'function_call') {
      if (typeof item.call_id !== 'string' || typeof item.arguments !== 'string') return { message: `Missing required parameter: 'input[${i}].call_id'.` };
      calls.add(item.call_id);
    } else if (item.type === 'function_call_output') {
      const id = String(item.call_id);
      if (!calls.has(id)) return { message: `No tool call found for function call output with call_id ${id}.` };
      answered.add(id);
    } else if (item.type === 'reasoning') {
      // With store: false an item is only usable with its encrypted content.
      if (body.store === false && typeof item.encrypted_content !== 'string') {
        return { status: 404, message: `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false.` };
      }
    } else if (item.role !== 'user' && item.role !== 'assistant' && item.role !== 'system' && item.role !== 'developer') {
      return { message: `Invalid value: '${String(item.type ?? item.role)}'.` };
    }
  }
  const unanswered = [...calls].filter((id) => !answered.has(id));
  if (unanswered.length > 0) return { message: `No tool output found for function call ${unanswered[0]}.` };
  return undefined;
}

function checkTools(tools: unknown, fnOf: (tool: Json) => Json | undefined, where: string): OpenAIRejection | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return { message: `Invalid type for '${where}': expected an array.` };
  for (const [i, tool] of tools.entries()) {
    const fn = isObject(tool) ? fnOf(tool) : undefined;
    if (!isObject(tool) || tool.type !== 'function' || !fn) return { message: `Missing required parameter: '${where}[${i}].function'.` };
    if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) {
      return { message: `Invalid '${where}[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.` };
    }
    if (fn.parameters !== undefined && (!isObject(fn.parameters) || fn.parameters.type !== 'object')) {
      return { message: `Invalid schema for function '${fn.name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${isObject(fn.parameters) ? String(fn.parameters.type) : 'None'}"'.`, code: 'invalid_function_parameters' };
    }
  }
  return undefined;
}
