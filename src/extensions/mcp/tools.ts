// MCP tools as the loop's tools: `mcp__SERVER__TOOL`, calling through the server's connection. Results go the
// way every tool's result goes (text and image blocks, typed details), cut past a size with the whole text saved
// to a file, as bash output is. Past a size budget the catalogue carries names and descriptions only; the model
// fetches a schema with `mcp_tool_schema`, and from the next request on that tool is announced whole.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { headTail, toolResultText } from '../../core/text.js';
import type { AgentTool, ImageBlock, ImageMediaType, JsonSchema, TextBlock, ToolDetails, ToolResult } from '../../core/types.js';
import { McpCallError, type McpConnection } from './connection.js';

/** `mcp__github__create_issue`: Claude Code's names, which permission rules match. */
export function mcpToolName(server: string, tool: string): string {
  const name = `mcp__${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (name.length <= MAX_TOOL_NAME) return name;
  // Model APIs take names of at most 64 characters: a long one keeps its start and a hash of the whole.
  return `${name.slice(0, MAX_TOOL_NAME - 9)}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
const MAX_TOOL_NAME = 64;

export interface McpToolDetails extends ToolDetails {
  kind: 'mcp';
  server: string;
  tool: string;
  /** Where the whole result was saved when it was cut. */
  savedTo?: string;
}

export interface ToolFactoryOptions {
  timeoutMs: number;
  /** Results longer than this many characters are cut (the whole text saved under logDir). */
  maxResultChars: number;
  logDir: string;
}

const IMAGE_TYPES = new Set<string>(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const OPEN_SCHEMA: JsonSchema = { type: 'object' };
/** Ends the description of a tool whose schema is left out; mcp_tool_schema's description explains it. */
export const DEFERRED_MARK = '[schema: mcp_tool_schema]';

/** One MCP tool; `deferred()` says whether its schema is left out of the catalogue for now. */
export function createMcpTool(conn: McpConnection, tool: Tool, opts: ToolFactoryOptions, deferred: () => boolean): AgentTool {
  const name = mcpToolName(conn.name, tool.name);
  const fullSchema = tool.inputSchema as JsonSchema;
  const description = (tool.description ?? tool.title ?? '').trim() || `Tool ${tool.name} of MCP server ${conn.name}.`;
  return {
    name,
    get description() {
      if (!deferred()) return description;
      const first = description.split('\n')[0]!;
      const short = first.length > 200 ? `${first.slice(0, 199)}…` : first;
      return `${short} ${DEFERRED_MARK}`;
    },
    get inputSchema() {
      return deferred() ? OPEN_SCHEMA : fullSchema;
    },
    readOnly: tool.annotations?.readOnlyHint === true,
    summarize: (input) => summarizeInput(input),
    async execute(input, ctx): Promise<ToolResult> {
      const details: McpToolDetails = { kind: 'mcp', server: conn.name, tool: tool.name };
      const args = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
      let result: CallToolResult;
      try {
        result = await conn.callTool(tool.name, args, { signal: ctx.signal, timeoutMs: opts.timeoutMs, onProgress: ctx.onProgress });
      } catch (err) {
        const text = err instanceof McpCallError ? err.message : `MCP server "${conn.name}" failed: ${(err as Error).message}`;
        return { content: text, isError: true, details };
      }
      return toToolResult(result, name, details, opts);
    },
  };
}

/** `mcp_tool_schema`: the input schemas of deferred tools, which are announced whole from the next request on. */
export function createSchemaTool(lookup: (name: string) => { schema: JsonSchema; load(): void } | undefined): AgentTool {
  return {
    name: 'mcp_tool_schema',
    description: `Returns the input JSON schemas of MCP tools whose description ends with ${DEFERRED_MARK}: there are many MCP tools, ` +
      'so their schemas are left out of the tool list. Call this with the names of the ones you need before calling them; ' +
      'from your next turn on they are listed with their schemas.',
    inputSchema: {
      type: 'object',
      properties: { tools: { type: 'array', items: { type: 'string' }, description: 'tool names, e.g. ["mcp__github__create_issue"]' } },
      required: ['tools'],
    },
    readOnly: true,
    summarize: (input) => ((input as { tools?: unknown })?.tools as string[] | undefined)?.join(', ') ?? '',
    async execute(input) {
      const names = (input as { tools?: unknown })?.tools;
      if (!Array.isArray(names) || !names.every((n) => typeof n === 'string') || !names.length) {
        return { content: 'Invalid input for mcp_tool_schema: tools must be a non-empty array of tool names.', isError: true };
      }
      const out: string[] = [];
      let missing = false;
      for (const n of names) {
        const found = lookup(n);
        if (!found) { missing = true; out.push(`${n}: no such MCP tool`); continue; }
        found.load();
        out.push(`${n} input schema:\n${JSON.stringify(found.schema)}`);
      }
      return { content: out.join('\n\n'), ...(missing && out.length === names.length && names.every((n) => !lookup(n)) ? { isError: true } : {}) };
    },
  };
}

async function toToolResult(result: CallToolResult, name: string, details: McpToolDetails, opts: ToolFactoryOptions): Promise<ToolResult> {
  const blocks: Array<TextBlock | ImageBlock> = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text': blocks.push({ type: 'text', text: item.text }); break;
      case 'image':
        if (IMAGE_TYPES.has(item.mimeType)) blocks.push({ type: 'image', source: { type: 'base64', media_type: item.mimeType as ImageMediaType, data: item.data } });
        else blocks.push({ type: 'text', text: `[image of type ${item.mimeType}, which cannot be shown to the model]` });
        break;
      case 'audio': blocks.push({ type: 'text', text: `[audio of type ${item.mimeType}, not shown]` }); break;
      case 'resource_link': blocks.push({ type: 'text', text: `[resource ${item.uri}${item.name ? ` (${item.name})` : ''}${item.description ? `: ${item.description}` : ''}]` }); break;
      case 'resource': {
        const r = item.resource;
        blocks.push({ type: 'text', text: 'text' in r ? `[resource ${r.uri}]\n${r.text}` : `[resource ${r.uri}: ${r.mimeType ?? 'binary'} data, ${r.blob.length} base64 characters, not shown]` });
        break;
      }
      default: break;
    }
  }
  if (!blocks.length && result.structuredContent !== undefined) blocks.push({ type: 'text', text: JSON.stringify(result.structuredContent, null, 2) });
  if (!blocks.length) blocks.push({ type: 'text', text: '(no output)' });
  const isError = result.isError === true;
  const chars = blocks.reduce((n, b) => n + (b.type === 'text' ? b.text.length : 0), 0);
  if (chars > opts.maxResultChars) {
    const file = path.join(opts.logDir, `${name}-${Date.now().toString(36)}.txt`);
    const whole = toolResultText(blocks);
    const saved = await writeFile(file, whole, { mode: 0o600 }).then(() => true, () => false);
    const hint = saved ? `the whole result (${whole.length} characters) is in ${file}; read it with read_file` : 'the whole result could not be saved';
    const text = headTail(blocks.filter((b): b is TextBlock => b.type === 'text').map((b) => b.text).join('\n'), opts.maxResultChars, hint).text;
    const images = blocks.filter((b): b is ImageBlock => b.type === 'image');
    return { content: [{ type: 'text', text }, ...images], isError, details: { ...details, ...(saved ? { savedTo: file } : {}) } };
  }
  const onlyText = blocks.every((b) => b.type === 'text');
  return { content: onlyText ? blocks.map((b) => (b as TextBlock).text).join('\n') : blocks, isError, details };
}

function summarizeInput(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const text = Object.entries(input as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
