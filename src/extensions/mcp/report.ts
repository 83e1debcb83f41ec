// What `/mcp` shows: each server's state, where it comes from, its tools and prompts, and its last error.
import type { McpManager } from './manager.js';

export function mcpReport(manager: McpManager | undefined): string {
  if (!manager) return 'No MCP servers configured. tandem mcp add NAME -- COMMAND [ARGS...] adds one (or .mcp.json, --mcp-config).';
  const lines: string[] = [];
  if (manager.deferring) lines.push('Many MCP tools: their schemas are fetched on demand (mcp_tool_schema) to keep requests small.');
  for (const s of manager.status()) {
    const mark = s.state === 'connected' ? '✓' : s.state === 'connecting' ? '…' : '✗';
    lines.push(`${mark} ${s.name}  ${s.state}  (${s.transport}, ${s.scope}: ${s.source})`);
    if (s.tools.length) lines.push(`    tools: ${s.tools.map((t) => t.slice(`mcp__${s.name}__`.length)).join(', ')}`);
    if (s.prompts.length) lines.push(`    prompts: ${s.prompts.map((p) => `/mcp__${s.name}__${p}`).join(', ')}`);
    if (s.error) lines.push(`    last error: ${s.error}`);
    if (s.logFile) lines.push(`    log: ${s.logFile}`);
  }
  for (const u of manager.set.untrusted) lines.push(`- ${u}: not started, the workspace is not trusted (tandem trust)`);
  return lines.join('\n');
}
