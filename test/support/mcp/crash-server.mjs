// A stdio MCP server for tests: `crash` exits the process mid-call, `slow` answers after `ms`, `big` returns
// `chars` characters, `pid` says which process answers (to see a restart).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'crashy', version: '1.0.0' });
server.registerTool('crash', { description: 'Exits the server while the call is in flight.', inputSchema: {} }, async () => {
  process.stderr.write('crashy: exiting on purpose\n');
  setTimeout(() => process.exit(3), 10);
  return new Promise(() => {});
});
server.registerTool('slow', { description: 'Answers after ms milliseconds.', inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
  await new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    extra.signal.addEventListener('abort', () => { clearTimeout(t); process.stderr.write('crashy: slow was cancelled\n'); reject(new Error('cancelled')); });
  });
  return { content: [{ type: 'text', text: `slept ${ms}` }] };
});
server.registerTool('big', { description: 'Returns chars characters.', inputSchema: { chars: z.number() } }, async ({ chars }) => ({
  content: [{ type: 'text', text: Array.from({ length: Math.ceil(chars / 10) }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join('').slice(0, chars) }],
}));
server.registerTool('pid', { description: 'The server process id.', inputSchema: {} }, async () => ({ content: [{ type: 'text', text: String(process.pid) }] }));
process.stderr.write('crashy: started\n');
await server.connect(new StdioServerTransport());
