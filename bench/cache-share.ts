// Benchmark: the prompt-cache hit share of a long scripted session. 200 turns run through the real loop, context
// budget and Anthropic provider against the scripted model server; the recorded requests (with their
// cache_control breakpoints) are then replayed through a model of the API's cache: a breakpoint stores the
// prefix up to it, and a later request reads a stored prefix found at one of its breakpoints or up to 20 blocks
// before one.
import { z } from 'zod';
import { runAgent } from '../src/core/agent-loop.js';
import { appendUserContent } from '../src/core/messages.js';
import type { Message } from '../src/core/types.js';
import { createAnthropicModel } from '../src/providers/anthropic.js';
import { withContextBudget } from '../src/session/context-budget.js';
import { defineTool } from '../src/tools/tool.js';
import { reply, startModelServer, type RecordedRequest } from '../test/support/model-server.js';

const TURNS = 200;
const RESULT_CHARS = 3_000;

const readTool = defineTool({
  name: 'read_file',
  description: 'Reads a file.',
  schema: z.object({ path: z.string() }),
  readOnly: true,
  execute: async ({ path }) => `${path}\n${'const x = 1; // some code\n'.repeat(RESULT_CHARS / 26)}`,
});

const server = await startModelServer();
const model = withContextBudget(createAnthropicModel({ model: 'claude-test', apiKey: 'sk-bench', baseURL: server.url }));
const messages: Message[] = [];
// Each prompt takes two model calls: one that reads a file, one that answers.
for (let turn = 1; turn <= TURNS / 2; turn++) {
  appendUserContent(messages, [{ type: 'text', text: `Task ${turn}: look at module ${turn}.` }]);
  server.enqueue(reply().text(`Reading module ${turn}.`).tool('read_file', { path: `src/m${turn}.ts` }));
  server.enqueue(reply().text(`Module ${turn} looks fine.`));
  await runAgent(messages, { model, tools: [readTool], system: 'You are a careful engineer. '.repeat(40), maxTurns: 2 });
}
if (server.requests.length !== TURNS) throw new Error(`expected ${TURNS} requests, got ${server.requests.length}`);
await server.close();

interface Unit { key: string; chars: number; breakpoint: boolean }

/** A request as the cache sees it: tools, then system, then every content block, in order. */
function units(req: RecordedRequest): Unit[] {
  const body = req.body as { tools?: unknown[]; system?: unknown[]; messages: { role: string; content: unknown[] }[] };
  const out: Unit[] = [];
  const add = (value: unknown, role = '') => {
    const marked = typeof value === 'object' && value !== null && 'cache_control' in value;
    const plain = JSON.stringify(value, (k, v) => (k === 'cache_control' ? undefined : v));
    out.push({ key: role + plain, chars: plain.length, breakpoint: marked });
  };
  for (const t of body.tools ?? []) add(t);
  for (const s of body.system ?? []) add(s);
  for (const m of body.messages) for (const b of m.content) add(b, m.role);
  return out;
}

const cache = new Set<string>();
let total = 0;
let read = 0;
let written = 0;
for (const req of server.requests) {
  const us = units(req);
  let prefix = '';
  let chars = 0;
  const keys: string[] = [];
  const upTo: number[] = [];
  for (const u of us) {
    prefix += `\u0000${u.key}`;
    chars += u.chars;
    keys.push(prefix);
    upTo.push(chars);
  }
  // The API looks for a stored prefix at each breakpoint and up to 20 blocks before it.
  let hit = 0;
  us.forEach((u, b) => {
    if (!u.breakpoint) return;
    for (let j = b; j >= Math.max(0, b - 20); j--) {
      if (cache.has(keys[j]!)) {
        hit = Math.max(hit, upTo[j]!);
        break;
      }
    }
  });
  let stored = 0;
  us.forEach((u, i) => {
    if (!u.breakpoint || cache.has(keys[i]!)) return;
    cache.add(keys[i]!);
    stored = Math.max(stored, upTo[i]!);
  });
  total += chars;
  read += hit;
  written += Math.max(0, stored - hit);
}
const share = (n: number) => `${((100 * n) / total).toFixed(1)}%`;
console.log(`prompt cache over a ${TURNS}-call scripted session (${server.requests.length} requests, ${(total / 1e6).toFixed(1)} MB of prompts)`);
console.log(`  read from cache   ${share(read)} of prompt characters`);
console.log(`  written to cache  ${share(written)}`);
console.log(`  uncached          ${share(total - read - written)}`);
