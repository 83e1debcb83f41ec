// The Claude Agent SDK's in-process MCP servers (createSdkMcpServer) used by the model through tandem: tandem's
// MCP client reaches them with mcp_message control requests, as Claude Code does.
import { createSdkMcpServer, query, tool, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TANDEM_BIN, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('SDK MCP servers', () => {
  it('the model calls a tool of the SDK program\'s in-process server, which runs in the program', async () => {
    const e = testEnv(t.server.url);
    dirs.push(e.TANDEM_HOME!, t.cwd);
    const calls: unknown[] = [];
    const server = createSdkMcpServer({
      name: 'inproc', version: '1.0.0',
      tools: [tool('weather', 'The weather in a city.', { city: z.string() }, async (args) => {
        calls.push(args);
        return { content: [{ type: 'text', text: `Sunny in ${args.city}` }] };
      })],
    });
    t.server.enqueue(reply().tool('mcp__inproc__weather', { city: 'Porto' }, 'toolu_w'));
    t.server.enqueue(reply().text('It is sunny in Porto.'));
    const messages: SDKMessage[] = [];
    for await (const m of query({
      prompt: (async function* () {
        yield { type: 'user' as const, message: { role: 'user' as const, content: 'weather in Porto?' }, parent_tool_use_id: null, session_id: '' };
      })(),
      options: { pathToClaudeCodeExecutable: TANDEM_BIN, cwd: t.cwd, env: e, model: 'claude-test', mcpServers: { inproc: server }, allowedTools: ['mcp__inproc'] },
    })) {
      messages.push(m);
      if (m.type === 'result') break;
    }
    expect(calls).toEqual([{ city: 'Porto' }]);
    const first = t.server.requests[0]!;
    expect((first.body.tools ?? []).map((x) => x.name)).toContain('mcp__inproc__weather');
    expect(JSON.stringify(toolResultsOf(t.server.requests[1]!))).toContain('Sunny in Porto');
    expect(messages.find((m) => m.type === 'result')).toMatchObject({ subtype: 'success', result: 'It is sunny in Porto.' });
  });
});
