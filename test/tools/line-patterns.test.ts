// Patterns from the model run in linear time: a catastrophic-backtracking pattern returns at once, a scan of a
// big log stops at its time budget and says so, and unsupported syntax gets an actionable error.
import { describe, expect, it } from 'vitest';
import { compileLinePattern, PatternError } from '../../src/core/line-pattern.js';
import { createCheckBackgroundTool } from '../../src/tools/check-background.js';
import { makeManager, outputContains } from '../tasks/helpers.js';

const ctx = () => ({ signal: new AbortController().signal, toolUseId: 'toolu_1' });
const EVIL_LINE = `${'a'.repeat(45)}!`;

describe('linear-time line patterns', () => {
  it('(a+)+$ on a 45-character line returns (JavaScript RegExp would take hours)', async () => {
    const p = await compileLinePattern('(a+)+$');
    expect(p.test(EVIL_LINE)).toBe(false);
    expect(p.test('aaaa')).toBe(true);
  });

  it('keeps JavaScript spellings RE2 has: classes, anchors, named groups, (?i)', async () => {
    expect((await compileLinePattern('^\\s*ERROR\\b.*\\d+ ms$')).test('  ERROR in 12 ms')).toBe(true);
    expect((await compileLinePattern('(?<file>[\\w/]+\\.ts):\\d+')).test('src/app.ts:4')).toBe(true);
    expect((await compileLinePattern('(?i)local:')).test('  LOCAL: http://x')).toBe(true);
  });

  it('names what RE2 lacks and how to do without it', async () => {
    await expect(compileLinePattern('foo(?=bar)', 'filter')).rejects.toThrow(PatternError);
    await expect(compileLinePattern('(a)\\1', 'filter')).rejects.toThrow(/Lookahead, lookbehind and backreferences are not supported/);
    await expect(compileLinePattern('(unclosed', 'until')).rejects.toThrow(/^until is not a valid regular expression: missing closing \)/);
  });

  it('check_background filters with it: the evil pattern over the evil line answers at once', async () => {
    const m = makeManager();
    const t = m.start({ command: `printf '%s\\naaaa\\n' ${EVIL_LINE.replace('!', '\\!')}` });
    await m.wait([t.id], 'all', 10_000);
    const check = createCheckBackgroundTool(m);
    const r = await check.execute({ task_id: t.id, filter: '(a+)+$' }, ctx());
    expect(r.content).toContain('new output matching /(a+)+$/:\naaaa\n');
    const bad = await check.execute({ task_id: t.id, filter: 'x(?<=y)' }, ctx());
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/^filter is not a valid regular expression: .*not supported/);
  });

  it('a scan stops at its time budget and says how far it got', async () => {
    const m = makeManager();
    const t = m.start({ command: `yes '${EVIL_LINE}' | head -n 40000; echo END` });
    await m.wait([t.id], 'all', 30_000);
    await outputContains(m, t.id, 'END');
    const filter = await compileLinePattern('(a+)+$|END');
    const cut = m.readAll(t.id, { filter, filterBudgetMs: 0 });
    expect(cut).toMatch(/^\[filter stopped after 0ms, having searched about 0 of 1880004 bytes; the rest was not searched/);
    expect(m.readAll(t.id, { filter })).toBe('END');
  });
});
