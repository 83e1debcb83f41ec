import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTranscript } from '../../src/session/transcript-load.js';
import { tempDir } from './support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(repo, 'test/session/fixtures/write-until-killed.ts');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** Runs the writer child, SIGKILLs it once it acknowledged `acks` records, returns the last ack it sent. */
function writeUntilKilled(file: string, acks: number, chars: number): Promise<{ lastAck: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file, String(chars)], {
      cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      const seen = out.split('\n').filter((l) => /^ack \d+$/.test(l)).map((l) => Number(l.slice(4)));
      if (!killed) reject(new Error(`child exited before being killed: ${err}`));
      else resolve({ lastAck: Math.max(-1, ...seen), signal });
    });
  });
}

describe('crash safety', () => {
  it.each([
    ['small records', 200, 2_000],
    ['large records (killed mid-write more likely)', 60, 400_000],
  ])('a SIGKILLed writer loses at most the record in flight (%s)', async (_name, acks, chars) => {
    const file = path.join(tmp.dir, 'crash.jsonl');
    const { lastAck, signal } = await writeUntilKilled(file, acks, chars);
    expect(signal).toBe('SIGKILL');
    expect(lastAck).toBeGreaterThanOrEqual(acks - 1);

    const t = loadTranscript(file);
    const numbers = t.records.flatMap((r) => (r.type === 'message' && r.content[0]?.type === 'text' ? [Number(r.content[0].text.split(' ')[1])] : []));
    // Every acknowledged record is there, in order, with nothing missing in between.
    expect(numbers.length).toBeGreaterThan(lastAck);
    expect(numbers).toEqual(numbers.map((_, i) => i));
    // At most one bad line: the torn write in flight, at the very end.
    expect(t.skipped.length).toBeLessThanOrEqual(1);
    if (t.skipped.length) expect(t.skipped[0]!.torn).toBe(true);
  });
});
