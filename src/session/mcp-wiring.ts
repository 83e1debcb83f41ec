// MCP in the runtime: before each turn the MCP tools are brought up to date (servers that finished starting,
// schemas fetched on demand), a prompt `/mcp__SERVER__PROMPT args` becomes that prompt's messages, and
// `@SERVER:URI` mentions get the resource attached. The manager itself lives in src/extensions/mcp.
import type { ContentBlock, Message, TextBlock } from '../core/types.js';
import type { AgentTool } from '../core/types.js';
import type { McpManager } from '../extensions/mcp/index.js';

/** How long the first request waits for servers still starting (they keep starting after). */
const FIRST_REQUEST_WAIT_MS = 15_000;

export function isMcpTool(name: string): boolean {
  return name.startsWith('mcp__') || name === 'mcp_tool_schema';
}

/** Replaces the MCP tools in `tools` with the manager's current ones (wrapped as the runtime wraps every tool). */
export async function syncMcpTools(manager: McpManager, tools: AgentTool[], wrap: (t: AgentTool) => AgentTool, log: (line: string) => void): Promise<void> {
  await manager.ready(FIRST_REQUEST_WAIT_MS);
  for (const line of manager.takeFailures()) log(line);
  const kept = tools.filter((t) => !isMcpTool(t.name));
  const taken = new Set(kept.map((t) => t.name));
  tools.length = 0;
  tools.push(...kept, ...manager.agentTools().filter((t) => !taken.has(t.name)).map(wrap));
}

/** Expands an MCP prompt command and `@SERVER:URI` mentions in the conversation's last user message, in place. */
export async function expandMcpInput(manager: McpManager, messages: Message[], signal?: AbortSignal): Promise<string[]> {
  const last = messages.at(-1);
  if (!last || last.role !== 'user') return [];
  const texts = last.content.filter((b): b is TextBlock => b.type === 'text');
  if (!texts.some((b) => /^\s*\/mcp__|@[A-Za-z0-9_-]+:/.test(b.text))) return [];
  await manager.ready(FIRST_REQUEST_WAIT_MS);
  const notes: string[] = [];
  const first = texts[0];
  if (first && /^\/mcp__[A-Za-z0-9_-]+__\S+/.test(first.text.trim())) {
    const expanded = await expandPrompt(manager, first.text.trim(), signal);
    const at = last.content.indexOf(first);
    last.content.splice(at, 1, ...expanded);
  }
  for (const block of last.content.filter((b): b is TextBlock => b.type === 'text')) {
    for (const m of block.text.matchAll(/(?:^|\s)@([A-Za-z0-9_-]+):(\S+)/g)) {
      const conn = manager.connection(m[1]!);
      if (!conn) continue;
      const uri = m[2]!.replace(/[.,;:!?)]+$/, '');
      try {
        const result = await conn.readResource(uri, signal);
        for (const c of result.contents) {
          const body = 'text' in c ? c.text : `(${c.mimeType ?? 'binary'} data, ${c.blob.length} base64 characters, not shown)`;
          last.content.push({ type: 'text', text: `<resource server="${conn.name}" uri="${c.uri}">\n${body}\n</resource>` });
        }
      } catch (err) {
        notes.push(`@${conn.name}:${uri} could not be attached: ${(err as Error).message}`);
        last.content.push({ type: 'text', text: `(The resource @${conn.name}:${uri} could not be read: ${(err as Error).message})` });
      }
    }
  }
  return notes;
}

async function expandPrompt(manager: McpManager, text: string, signal?: AbortSignal): Promise<ContentBlock[]> {
  const [command = '', ...words] = text.split(/\s+/);
  const found = manager.prompts().find((p) => p.command === command);
  if (!found) {
    const known = manager.prompts().map((p) => p.command).join(', ') || 'none';
    throw new McpPromptError(`${command}: no such MCP prompt (known: ${known}).`);
  }
  const args: Record<string, string> = {};
  found.arguments.forEach((a, i) => {
    const value = i === found.arguments.length - 1 ? words.slice(i).join(' ') : words[i];
    if (value) args[a.name] = value;
  });
  const missing = found.arguments.filter((a) => a.required && !args[a.name]).map((a) => a.name);
  if (missing.length) {
    throw new McpPromptError(`${command} needs ${missing.join(', ')}: ${command} ${found.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ')}`);
  }
  const conn = manager.connection(found.server)!;
  const result = await conn.getPrompt(found.prompt, args, signal);
  const blocks: ContentBlock[] = [];
  for (const m of result.messages) {
    const prefix = m.role === 'assistant' ? '[assistant] ' : '';
    const c = m.content;
    if (c.type === 'text') blocks.push({ type: 'text', text: prefix + c.text });
    else if (c.type === 'image' && ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(c.mimeType)) {
      blocks.push({ type: 'image', source: { type: 'base64', media_type: c.mimeType as 'image/png', data: c.data } });
    } else if (c.type === 'resource') {
      const r = c.resource;
      blocks.push({ type: 'text', text: `<resource uri="${r.uri}">\n${'text' in r ? r.text : '(binary data, not shown)'}\n</resource>` });
    }
  }
  return blocks.length ? blocks : [{ type: 'text', text: `(the prompt ${command} is empty)` }];
}

/** A prompt command that cannot be expanded: the turn does not run, the message says why. */
export class McpPromptError extends Error {
  override name = 'McpPromptError';
}
