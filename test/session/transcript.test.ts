import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTranscript } from '../../src/session/transcript-load.js';
import { TranscriptWriter } from '../../src/session/transcript-writer.js';
import { assistant, expectValidConversation, result, text, usage, use, user } from '../support/conversation.js';
import { tempDir } from './support.js';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => { tmp = tempDir(); file = path.join(tmp.dir, 'projects', 'ws', 's1.jsonl'); });
afterEach(() => tmp.cleanup());

const header = { id: 's1', cwd: '/work/main', model: 'claude-sonnet-4-5', version: '0.1.0' };

function writeSample(w: TranscriptWriter): void {
  w.message('user', [text('Fix the bug in a.ts')]);
  w.message('assistant', [text('Reading it.'), use('t1')]);
  w.message('user', [result('t1', 'export const a = 1;')]);
  w.usage(usage({ input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 50 }), 'claude-sonnet-4-5');
  w.message('assistant', [text('Fixed.')]);
  w.notice('info', 'all good');
}

describe('transcript write and load', () => {
  it('round-trips messages, usage and records, one JSON line each with a timestamp', () => {
    const w = TranscriptWriter.create(file, header);
    writeSample(w);
    w.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['session', 'message', 'message', 'message', 'usage', 'message', 'notice']);
    expect(lines.every((l) => typeof l.ts === 'string' && !Number.isNaN(Date.parse(l.ts)))).toBe(true);
    expect(lines[0]).toMatchObject({ ...header, v: 1 });

    const t = loadTranscript(file);
    expect(t.header).toMatchObject(header);
    expect(t.skipped).toEqual([]);
    expect(t.records).toHaveLength(7);
    expect(t.messages).toEqual([
      user(text('Fix the bug in a.ts')),
      assistant(text('Reading it.'), use('t1')),
      user(result('t1', 'export const a = 1;')),
      assistant(text('Fixed.')),
    ]);
    expect(t.usage).toEqual(usage({ input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 50 }));
    expect(t.usageByModel['claude-sonnet-4-5']?.input_tokens).toBe(100);
    expect(t.firstPrompt).toBe('Fix the bug in a.ts');
  });

  it('creates nothing until the first record', () => {
    const w = TranscriptWriter.create(file, header);
    w.close();
    expect(existsSync(file)).toBe(false);
  });

  it('merges consecutive records of one role into one message (tool results, notices, the next prompt)', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('user', [text('go')]);
    w.message('assistant', [use('a'), use('b')]);
    w.message('user', [result('b', 'B')]); // b ended first
    w.message('user', [result('a', 'A')]);
    w.message('user', [text('[tandem harness] task t1 ended')]);
    w.message('user', [text('and now?')]);
    w.close();
    const t = loadTranscript(file);
    expect(t.messages).toHaveLength(3);
    // Results are put back in call order, ahead of the other blocks.
    expect(t.messages[2]!.content).toEqual([result('a', 'A'), result('b', 'B'), text('[tandem harness] task t1 ended'), text('and now?')]);
    expectValidConversation(t.messages);
  });

  it('skips and reports a torn last line, keeping every complete record', () => {
    const w = TranscriptWriter.create(file, header);
    writeSample(w);
    w.close();
    appendFileSync(file, '{"type":"message","role":"assistant","content":[{"type":"text","te');
    const t = loadTranscript(file);
    expect(t.records).toHaveLength(7);
    expect(t.skipped).toEqual([{ line: 8, reason: 'not valid JSON', torn: true }]);
    expect(t.messages.at(-1)).toEqual(assistant(text('Fixed.')));
  });

  it('skips a garbage middle line without losing the records around it', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('user', [text('one')]);
    w.close();
    appendFileSync(file, 'garbage }{\n{"no":"type"}\n{"type":"message","role":"robot","content":[]}\n{"type":"future-kind","x":1}\n');
    const w2 = TranscriptWriter.reopen(file, { model: 'm', version: 'v' });
    w2.message('assistant', [text('two')]);
    w2.close();
    const t = loadTranscript(file);
    expect(t.skipped.map((s) => [s.line, s.torn])).toEqual([[3, false], [4, false], [5, false]]);
    expect(t.skipped[2]!.reason).toMatch(/role/);
    expect(t.messages).toEqual([user(text('one')), assistant(text('two'))]);
    // Unknown record types are ignored silently, so newer transcripts load.
    expect(t.records.map((r) => r.type)).toEqual(['session', 'message', 'resume', 'message']);
  });

  it('appending after a torn line starts a new line, so the next record survives', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('user', [text('one')]);
    w.close();
    appendFileSync(file, '{"type":"message","ro');
    const w2 = TranscriptWriter.reopen(file, { model: 'm', version: 'v' });
    w2.message('assistant', [text('two')]);
    w2.close();
    const t = loadTranscript(file);
    expect(t.skipped).toEqual([{ line: 3, reason: 'not valid JSON', torn: false }]);
    expect(t.messages).toEqual([user(text('one')), assistant(text('two'))]);
  });

  it('repairs a dangling tool_use on load so the next request is valid', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('user', [text('run both')]);
    w.message('assistant', [use('a'), use('b')]);
    w.message('user', [result('a', 'A done')]);
    w.close(); // b never finished: the process died while it ran
    const t = loadTranscript(file);
    expect(t.repaired).toBe(1);
    expectValidConversation(t.messages);
    const last = t.messages.at(-1)!.content;
    expect(last[1]).toMatchObject({ type: 'tool_result', tool_use_id: 'b', is_error: true });
    expect((last[1] as { content: string }).content).toMatch(/Interrupted/);
  });

  it('drops tool results whose call was lost, and starts with a user message', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('assistant', [text('orphan reply')]);
    w.message('user', [result('ghost', 'no call for this'), text('hello')]);
    w.close();
    const t = loadTranscript(file);
    expectValidConversation(t.messages);
    expect(t.messages[0]!.role).toBe('user');
    expect(t.messages.at(-1)).toEqual(user(text('hello')));
  });

  it('reconstructs the compacted context: the compaction messages plus what came after', () => {
    const w = TranscriptWriter.create(file, header);
    w.message('user', [text('old prompt')]);
    w.message('assistant', [text('old answer')]);
    w.usage(usage({ input_tokens: 150_000 }), 'claude-sonnet-4-5');
    w.compaction('the summary', [user(text('[tandem harness] summary ...'))], { usage: usage({ input_tokens: 900, output_tokens: 300 }), model: 'claude-sonnet-4-5' });
    w.message('assistant', [text('continuing')]);
    w.close();
    const t = loadTranscript(file);
    expect(t.compactions).toBe(1);
    expect(t.messages).toEqual([user(text('[tandem harness] summary ...')), assistant(text('continuing'))]);
    expect(t.usage.input_tokens).toBe(150_900);
    expect(t.lastUsage).toBeUndefined();
    expect(t.firstPrompt).toBe('old prompt');
  });

  it('reports tasks started and never ended', () => {
    const w = TranscriptWriter.create(file, header);
    w.taskStart('t1', 'npm test');
    w.taskStart('t2', 'npm run dev');
    w.taskEnd('t1', 'exited 0');
    w.close();
    expect(loadTranscript(file).tasksRunningAtEnd).toMatchObject([{ id: 't2', command: 'npm run dev' }]);
  });

  it('stops recording after a failed write and says so once, without throwing', () => {
    const errors: Error[] = [];
    // A plain file where the sessions folder should be: the first write cannot create the transcript.
    writeFileSync(path.join(tmp.dir, 'afile'), '');
    const bad = TranscriptWriter.create(path.join(tmp.dir, 'afile', 'sub', 's.jsonl'), header, { onError: (e) => errors.push(e) });
    bad.message('user', [text('a')]);
    bad.message('user', [text('b')]);
    expect(bad.failed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/recording stopped/);
    bad.close();
  });
});
