// Regex matchers from settings files run on the linear-time engine: `(a+)+$` against a 45-character command
// answers (JavaScript's RegExp would take hours), and what RE2 cannot compile is compared literally.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHookDefinitions } from '../../src/extensions/hooks/config.js';
import { HookEngine } from '../../src/extensions/hooks/engine.js';
import type { TaskSnapshot } from '../../src/tasks/types.js';

let dir: string;
beforeEach(() => { dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tandem-hook-matchers-'))); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function engine(hooks: Record<string, unknown>): HookEngine {
  const read = readHookDefinitions([{ file: path.join(dir, 'settings.json'), scope: 'project', hooks }]);
  return new HookEngine({
    hooks: read.hooks, projectDir: dir, env: { PATH: process.env.PATH },
    context: () => ({ sessionId: 's', transcriptPath: '/t/s.jsonl', permissionMode: 'default' }),
    log: () => {},
  });
}
const on = (matcher: string) => [{ matcher, hooks: [{ type: 'command', command: 'true' }] }];
const task = (command: string) => ({
  id: 'b1', command, status: 'exited', exitCode: 0, startedAt: 0, runtimeMs: 1, outputBytes: 0, logPath: '/x', tty: false, foreground: false,
}) as TaskSnapshot;

describe('hook matchers from settings files', () => {
  it('(a+)+$ against a 45-character command answers', async () => {
    const evil = `${'a'.repeat(45)}!`;
    expect((await engine({ TaskEnd: on('(a+)+$') }).task('TaskEnd', task(evil))).ran).toBe(0);
    expect((await engine({ TaskEnd: on('(a+)+$') }).task('TaskEnd', task('aaaa'))).ran).toBe(1);
    expect((await engine({ PreToolUse: on('(m+)+$') }).preToolUse({ id: 't', name: `${'m'.repeat(45)}!`, input: {} })).blocked).toBeUndefined();
  });

  it('a matcher RE2 cannot compile (lookahead) is compared literally', async () => {
    expect((await engine({ TaskEnd: on('npm(?= test)') }).task('TaskEnd', task('npm test'))).ran).toBe(0);
    expect((await engine({ TaskEnd: on('npm(?= test)') }).task('TaskEnd', task('run npm(?= test) now'))).ran).toBe(1);
  });
});
