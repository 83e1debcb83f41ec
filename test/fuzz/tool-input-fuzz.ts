// A seeded battery of malformed tool calls: wrong types, missing and extra fields, huge strings, control
// characters, NUL bytes, negative and enormous numbers, unknown tools, non-object and cut JSON, many calls in
// one response. Runs them through a real session against the scripted model server and checks that every call
// gets a result the model can act on, in a request the strict server accepts. Shared by the quick slice in
// `npm test` and the full run (`npm run fuzz`).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSession } from '../../src/index.js';
import { tempDir } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import type { ModelServer } from '../support/model-server.js';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = ['bash', 'read_file', 'write_file', 'edit_file', 'background_run', 'check_background', 'wait_background',
  'kill_background', 'write_background', 'grep', 'glob', 'no_such_tool', 'Bash', 'READ_FILE'];
const FIELDS = ['command', 'path', 'content', 'old_text', 'new_text', 'task_id', 'task_ids', 'filter', 'tail', 'offset',
  'limit', 'timeout_s', 'mode', 'pattern', 'input', 'signal', 'description', 'replace_all', 'tty', '__proto__', 'constructor'];

function value(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 16);
  switch (pick) {
    case 0: return '';
    case 1: return 'x'.repeat(Math.floor(r() * 200_000));
    case 2: return '\u0000nul\u0000' + String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(r() * 32)));
    case 3: return -Math.floor(r() * 1e12);
    case 4: return 1e308 * (r() < 0.5 ? 1 : 10);
    case 5: return Number.MAX_SAFE_INTEGER + 2;
    case 6: return r() < 0.5;
    case 7: return null;
    case 8: return depth < 3 ? [value(r, depth + 1), value(r, depth + 1)] : [];
    case 9: return depth < 3 ? { [FIELDS[Math.floor(r() * FIELDS.length)]!]: value(r, depth + 1) } : {};
    case 10: return '../../../../etc/passwd';
    case 11: return '\u202e\u200dtandem-task-notice\ud800';
    case 12: return 'echo fuzz';
    case 13: return 0.5;
    case 14: return 'sub/dir/file.txt';
    default: return `b${Math.floor(r() * 5)}`;
  }
}

export interface FuzzCall { name: string; json: string }

/** One malformed call: an input object with random fields, or JSON that is not an object or does not parse. */
export function fuzzCall(r: () => number): FuzzCall {
  const name = TOOLS[Math.floor(r() * TOOLS.length)]!;
  const kind = r();
  if (kind < 0.08) return { name, json: JSON.stringify(value(r)) ?? 'null' }; // not an object (or a string)
  if (kind < 0.14) {
    const full = JSON.stringify({ command: 'echo cut', path: 'a.txt' });
    return { name, json: full.slice(0, Math.floor(r() * (full.length - 1))) }; // cut JSON
  }
  const input: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) input[FIELDS[Math.floor(r() * FIELDS.length)]!] = value(r);
  return { name, json: JSON.stringify(input) };
}

export interface FuzzOutcome { calls: number; responses: number; errors: number; failures: string[] }

/**
 * Runs `responses` scripted responses of up to `perResponse` fuzzed calls each, seeded by `seed`, through one
 * session. Every call must come back as a tool_result (an error the model can read, or a real result).
 */
export async function runFuzz(server: ModelServer, seed: number, responses: number, perResponse: number): Promise<FuzzOutcome> {
  const r = rng(seed);
  const cwd = tempDir('tandem-fuzz-ws-');
  const home = tempDir('tandem-fuzz-home-');
  mkdirSync(path.join(cwd, 'sub', 'dir'), { recursive: true });
  writeFileSync(path.join(cwd, 'a.txt'), 'hello\n');
  const session = await createSession({ cwd, home, apiKey: 'sk-test', baseURL: server.url, model: 'claude-test', permissionMode: 'bypassPermissions' });
  const failures: string[] = [];
  let calls = 0;
  let errors = 0;
  try {
    const scripted: FuzzCall[][] = [];
    for (let i = 0; i < responses; i++) {
      const batch = Array.from({ length: 1 + Math.floor(r() * perResponse) }, () => fuzzCall(r));
      scripted.push(batch);
      let builder = reply();
      batch.forEach((c, j) => { builder = builder.toolJson(c.name, c.json, `toolu_f${i}_${j}`); });
      server.enqueue(builder);
    }
    server.enqueue(reply().text('fuzz done'));
    const before = server.requests.length;
    const result = await session.prompt('fuzz', { maxTurns: responses + 1 }).result;
    if (process.env.FUZZ_DEBUG) console.log('OUTCOME', result.outcome, result.errorMessage, server.requests.length - before);
    if (result.outcome !== 'end_turn') failures.push(`seed ${seed}: the turn ended ${result.outcome}: ${result.errorMessage ?? ''}`);
    for (let i = 0; i < scripted.length; i++) {
      const request = server.requests[before + i + 1];
      if (!request) { failures.push(`seed ${seed}: no request after response ${i}`); break; }
      const blocks = (request.body.messages.at(-1)?.content ?? []) as unknown as { type: string; tool_use_id?: string; is_error?: boolean; content?: unknown }[];
      const results = new Map(blocks.filter((b) => b.type === 'tool_result').map((b) => [b.tool_use_id, b]));
      scripted[i]!.forEach((c, j) => {
        calls++;
        const got = results.get(`toolu_f${i}_${j}`);
        if (!got) {
          // A cut call may be dropped only with a note saying so in the same message.
          const noted = blocks.some((b) => b.type === 'text' && JSON.stringify(b).includes(c.name));
          if (!noted) failures.push(`seed ${seed}: ${c.name} ${c.json.slice(0, 80)} got no result and no note`);
          return;
        }
        if (got.is_error) errors++;
        const text = typeof got.content === 'string' ? got.content : JSON.stringify(got.content);
        if (!text.trim()) failures.push(`seed ${seed}: ${c.name} ${c.json.slice(0, 80)} got an empty result`);
      });
    }
  } finally {
    await session.close();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
  return { calls, responses, errors, failures };
}
