import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatSessionList, latestSession, listSessions, resolveSession, sessionPath, sessionsDir, SessionLookupError, workspaceKey,
} from '../../src/session/session-store.js';
import { TranscriptWriter } from '../../src/session/transcript-writer.js';
import { text } from '../support/conversation.js';
import { tempDir } from './support.js';

let tmp: ReturnType<typeof tempDir>;
let dir: string;
beforeEach(() => { tmp = tempDir(); dir = sessionsDir(tmp.dir, '/work/main'); });
afterEach(() => tmp.cleanup());

function makeSession(id: string, prompt: string | undefined, minutesAgo: number, extraChars = 0): void {
  const w = TranscriptWriter.create(sessionPath(dir, id), { id, cwd: '/work/main', model: 'claude-sonnet-4-5', version: 't' }, {
    now: () => new Date(Date.now() - minutesAgo * 60_000),
  });
  if (prompt) w.message('user', [text(prompt)]);
  else w.notice('info', 'no prompt yet');
  w.message('assistant', [text('x'.repeat(extraChars) || 'ok')]);
  w.close();
  const t = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(sessionPath(dir, id), t, t);
}

describe('workspace key', () => {
  it('is the path with / as - for plain paths, like Claude Code', () => {
    expect(workspaceKey('/work/main')).toBe('-work-main');
    expect(sessionsDir('/home/u/.tandem', '/work/main')).toBe('/home/u/.tandem/projects/-work-main');
  });

  it('adds a hash when the mapping would be lossy, so different workspaces never share a folder', () => {
    const keys = ['/work/main', '/work-main', '/work.main', '/work main', '/wörk/main'].map(workspaceKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(workspaceKey('/work-main')).toMatch(/^-work-main_[0-9a-f]{8}$/);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]+$/);
    const long = workspaceKey(`/${'deep/'.repeat(40)}x`);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/_[0-9a-f]{8}$/);
  });
});

describe('listing and finding sessions', () => {
  it('lists sessions newest first with date, first prompt and size', () => {
    makeSession('aaaa1111-0000', 'Fix the login bug', 60, 5000);
    makeSession('bbbb2222-0000', 'Add a --json flag\nto the CLI', 5);
    makeSession('cccc3333-0000', undefined, 30);
    mkdirSync(path.join(dir, 'not-a-session'));
    const list = listSessions(dir);
    expect(list.map((s) => s.id)).toEqual(['bbbb2222-0000', 'cccc3333-0000', 'aaaa1111-0000']);
    expect(list[0]).toMatchObject({ firstPrompt: 'Add a --json flag\nto the CLI', model: 'claude-sonnet-4-5' });
    expect(list[2]!.sizeBytes).toBeGreaterThan(5000);
    expect(list[2]!.startedAt!.getTime()).toBeLessThan(list[0]!.startedAt!.getTime());
    expect(latestSession(dir)?.id).toBe('bbbb2222-0000');

    const shown = formatSessionList(list).split('\n');
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatch(/^ {2}bbbb2222 {2}\d{4}-\d\d-\d\d \d\d:\d\d +\d+ B {2}Add a --json flag to the CLI$/);
    expect(shown[1]).toContain('(no prompt)');
    expect(shown[2]).toMatch(/KB {2}Fix the login bug$/);
  });

  it('is empty (not an error) for a workspace without sessions', () => {
    expect(listSessions(dir)).toEqual([]);
    expect(latestSession(dir)).toBeUndefined();
    expect(formatSessionList([])).toMatch(/No saved sessions/);
  });

  it('resolves an exact id or a unique prefix, and lists the matches of an ambiguous one', () => {
    makeSession('abc123-one', 'first', 3);
    makeSession('abc456-two', 'second', 2);
    makeSession('abc', 'third', 1);
    expect(resolveSession(dir, 'abc1').id).toBe('abc123-one');
    expect(resolveSession(dir, 'abc').id).toBe('abc'); // exact wins over prefix
    let error: unknown;
    try { resolveSession(dir, 'abc4'); } catch (e) { error = e; }
    expect(error).toBeUndefined();
    expect(() => resolveSession(dir, 'zzz')).toThrow(SessionLookupError);
    expect(() => resolveSession(dir, 'zzz')).toThrow(/No session "zzz"/);
    makeSession('abc499-three', 'fourth', 0);
    try { resolveSession(dir, 'abc4'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SessionLookupError);
    const msg = (error as Error).message;
    expect(msg).toMatch(/matches 2 sessions/);
    expect(msg).toContain('abc456-two');
    expect(msg).toContain('abc499-three');
    expect(msg).toContain('fourth');
  });

  it('refuses ids that are not plain names', () => {
    expect(() => sessionPath(dir, '../etc/passwd')).toThrow(SessionLookupError);
  });
});
