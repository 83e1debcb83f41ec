// Per-session temp folders (task logs, sandbox guards) are pruned after the retention period.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneSessionFolders, removeSessionFolder } from '../../src/session/log-retention.js';

let base: string;
afterEach(() => rmSync(base, { recursive: true, force: true }));

function session(name: string, ageDays: number): string {
  const dir = path.join(base, name);
  mkdirSync(path.join(dir, 'sandbox', 'guard-dir'), { recursive: true });
  writeFileSync(path.join(dir, 'b1.log'), 'output\n');
  const t = new Date(Date.now() - ageDays * 86_400_000);
  for (const p of [path.join(dir, 'b1.log'), path.join(dir, 'sandbox', 'guard-dir'), path.join(dir, 'sandbox'), dir]) utimesSync(p, t, t);
  return dir;
}

describe('pruneSessionFolders', () => {
  it('removes folders idle longer than the retention, keeps recent ones, the current one and foreign names', () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'tandem-retention-'));
    const old = session('0b6f3c1e-aaaa-4bbb-8ccc-000000000001', 10);
    const recent = session('0b6f3c1e-aaaa-4bbb-8ccc-000000000002', 2);
    const current = session('0b6f3c1e-aaaa-4bbb-8ccc-000000000003', 30);
    const foreign = path.join(base, 'not-a-session');
    mkdirSync(foreign);
    const removed = pruneSessionFolders(base, 7, current);
    expect(removed).toEqual([old]);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(current)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    // A folder with one fresh log inside counts as in use.
    const busy = session('0b6f3c1e-aaaa-4bbb-8ccc-000000000004', 20);
    writeFileSync(path.join(busy, 'b2.log'), 'still writing\n');
    expect(pruneSessionFolders(base, 7, current)).toEqual([]);
    removeSessionFolder(current);
    expect(existsSync(current)).toBe(false);
  });
});
