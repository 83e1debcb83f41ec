// The MCP servers an editor hands over in session/new and session/load (ACP's `mcpServers`): stdio, HTTP and
// SSE, started as the session's own MCP servers beside those of tandem's settings.
import type * as acp from '@agentclientprotocol/sdk';
import type { McpServerConfig } from '../../extensions/mcp/config.js';

type AcpMcpServer = acp.NewSessionRequest['mcpServers'][number];

const pairs = (list: { name: string; value: string }[] | undefined) => Object.fromEntries((list ?? []).map((p) => [p.name, p.value]));

export function mcpServersFromEditor(servers: AcpMcpServer[] | undefined): McpServerConfig[] {
  return (servers ?? []).map((s): McpServerConfig => {
    // Tool names carry the server's name (mcp__NAME__TOOL): what they cannot hold becomes "_".
    const base = { name: s.name.replace(/[^A-Za-z0-9_-]/g, '_') || 'editor', scope: 'flag' as const, source: 'the editor (ACP)' };
    if ('type' in s && (s.type === 'http' || s.type === 'sse')) return { ...base, type: s.type, url: s.url, headers: pairs(s.headers) };
    const stdio = s as acp.McpServerStdio;
    return { ...base, type: 'stdio', command: stdio.command, args: stdio.args ?? [], env: pairs(stdio.env) };
  });
}
