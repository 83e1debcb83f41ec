// A stdio MCP server with COUNT tools (default 120), each with a realistic schema, for catalogue-size tests.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const count = Number(process.env.COUNT ?? 120);
const server = new McpServer({ name: 'many', version: '1.0.0' });
for (let i = 0; i < count; i++) {
  server.registerTool(`tool_${i}`, {
    description: `Tool number ${i}: does one thing to a record of kind ${i % 7}, given its id, fields to change, and options.`,
    inputSchema: {
      id: z.string().describe('the record id, e.g. "rec_123"'),
      fields: z.record(z.string(), z.string()).describe('fields to set, by name'),
      mode: z.enum(['merge', 'replace', 'append']).optional().describe('how fields combine with what is there'),
      dryRun: z.boolean().optional().describe('report what would change without changing it'),
      tags: z.array(z.string()).optional().describe('labels to add'),
    },
  }, async ({ id }) => ({ content: [{ type: 'text', text: `tool_${i} did ${id}` }] }));
}
await server.connect(new StdioServerTransport());
