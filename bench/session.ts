// Benchmark: a scripted 200-turn session recorded as the CLI records it (recorder fed with loop events), then
// resumed. Prints transcript size, write cost with and without fsync, resume (load + repair) time, and the
// bytes of the final request's messages with and without the old-result budget.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendUserContent } from '../src/core/messages.js';
import type { Message, ToolResultBlock, ToolUseBlock } from '../src/core/types.js';
import { DEFAULT_CONTEXT_BUDGET, prepareRequestMessages } from '../src/session/context-budget.js';
import { TranscriptRecorder } from '../src/session/recorder.js';
import { formatBytes } from '../src/session/session-store.js';
import { loadTranscript } from '../src/session/transcript-load.js';
import { TranscriptWriter } from '../src/session/transcript-writer.js';

const TURNS = 200;
const RESUME_RUNS = 20;
const RESUME_TARGET_MS = 200;

let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

/** Source-like text of about `chars` characters. */
function codeLike(chars: number, tag: number): string {
  const lines: string[] = [];
  let n = 0;
  for (let i = 1; n < chars; i++) {
    const line = `${String(i).padStart(4)}\t  const value${tag}_${i} = compute(${i}, "${'abcdefgh'.slice(0, 1 + (i % 8))}"); // step ${i}`;
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join('\n');
}

/** Records a scripted session into `file`; returns the records written and the time spent recording. */
function recordSession(file: string, fsync: boolean): { records: number; ms: number; messages: Message[] } {
  seed = 42;
  const writer = TranscriptWriter.create(file, { id: 'bench', cwd: '/work/bench', model: 'claude-sonnet-4-5', version: 'bench' }, { fsync });
  const messages: Message[] = [];
  const recorder = new TranscriptRecorder(writer, messages, { model: 'claude-sonnet-4-5' });
  let records = 1;
  const started = performance.now();
  appendUserContent(messages, [{ type: 'text', text: 'Refactor the parser and make every test pass.' }]);
  recorder.sync();
  records++;
  for (let turn = 1; turn <= TURNS; turn++) {
    const calls = rand() < 0.25 ? 2 : 1;
    const uses: ToolUseBlock[] = Array.from({ length: calls }, (_, i) => ({
      type: 'tool_use', id: `toolu_${turn}_${i}`, name: rand() < 0.5 ? 'read_file' : 'bash',
      input: { path: `src/module-${turn}-${i}.ts`, offset: 1, limit: 200 },
    }));
    const usage = { input_tokens: 1_500, output_tokens: 300, cache_read_input_tokens: 20_000 + turn * 900, cache_creation_input_tokens: 2_000 };
    recorder.onEvent({ type: 'usage', usage, total: usage });
    const message: Message = { role: 'assistant', content: [{ type: 'text', text: `Turn ${turn}: ${codeLike(300, turn)}` }, ...uses] };
    messages.push(message);
    recorder.onEvent({ type: 'assistant_message', message, stopReason: 'tool_use' });
    const results: ToolResultBlock[] = uses.map((u) => {
      const content = codeLike(1_000 + Math.floor(rand() * 7_000), turn);
      recorder.onEvent({ type: 'tool_end', id: u.id, name: u.name, result: { content }, durationMs: 5 });
      return { type: 'tool_result', tool_use_id: u.id, content };
    });
    messages.push({ role: 'user', content: results });
    recorder.onEvent({ type: 'turn_end', turn, stopReason: 'tool_use' });
    records += 2 + calls;
    if (turn % 20 === 0 && turn < TURNS) {
      appendUserContent(messages, [{ type: 'text', text: `Good. Now part ${turn / 20 + 1}.` }]);
      recorder.sync();
      records++;
    }
  }
  const ms = performance.now() - started;
  writer.close();
  return { records, ms, messages };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-session-'));
try {
  const plain = recordSession(path.join(dir, 'plain.jsonl'), false);
  const synced = recordSession(path.join(dir, 'fsync.jsonl'), true);
  const file = path.join(dir, 'plain.jsonl');
  const size = statSync(file).size;

  const times: number[] = [];
  let loaded = loadTranscript(file);
  for (let i = 0; i < RESUME_RUNS; i++) {
    const t0 = performance.now();
    loaded = loadTranscript(file);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const worst = times.at(-1)!;
  const same = JSON.stringify(loaded.messages) === JSON.stringify(plain.messages);

  const full = Buffer.byteLength(JSON.stringify(loaded.messages));
  const budgeted = Buffer.byteLength(JSON.stringify(prepareRequestMessages(loaded.messages, DEFAULT_CONTEXT_BUDGET)));
  const b = DEFAULT_CONTEXT_BUDGET;

  console.log(`session: ${TURNS} turns, ${plain.records} records, ${loaded.messages.length} messages`);
  console.log(`transcript size: ${formatBytes(size)} (${size} bytes)`);
  console.log(`record (no fsync): ${plain.ms.toFixed(1)} ms total, ${((plain.ms / plain.records) * 1000).toFixed(0)} µs/record`);
  console.log(`record (fsync each): ${synced.ms.toFixed(1)} ms total, ${((synced.ms / synced.records) * 1000).toFixed(0)} µs/record`);
  console.log(`resume (load + repair): median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms of ${RESUME_RUNS} (target < ${RESUME_TARGET_MS} ms)`);
  console.log(`resumed conversation identical to the recorded one: ${same}`);
  console.log(`final request messages: ${formatBytes(full)} in full, ${formatBytes(budgeted)} with the old-result budget ` +
    `(keep ${b.keepRecentResults} recent, ${b.maxResultChars} chars/result, ${b.oldResultsBudgetChars} chars of older results): ` +
    `${Math.round((1 - budgeted / full) * 100)}% smaller`);
  if (!same || median >= RESUME_TARGET_MS) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
