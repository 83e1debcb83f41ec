// The hooks engine with real hook commands (sh): what reaches them on stdin and in their environment, and how
// their exit status and JSON output are read — block, rewrite input, add context, timeout, malformed JSON.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHookDefinitions, matcherMatches } from '../../src/extensions/hooks/config.js';
import { HookEngine } from '../../src/extensions/hooks/engine.js';

let dir: string;
let logs: string[];
beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tandem-hooks-')));
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An engine over one settings file's `hooks` section. */
function engine(hooks: Record<string, unknown>): HookEngine {
  const read = readHookDefinitions([{ file: path.join(dir, 'settings.json'), scope: 'project', hooks }]);
  logs.push(...read.warnings);
  return new HookEngine({
    hooks: read.hooks, projectDir: dir, env: { PATH: process.env.PATH },
    context: () => ({ sessionId: 'sess-1', transcriptPath: '/t/sess-1.jsonl', permissionMode: 'default' }),
    log: (l) => logs.push(l),
  });
}
const cmd = (command: string, extra: Record<string, unknown> = {}) => [{ hooks: [{ type: 'command', command, ...extra }], ...extra.group as object }];
const on = (matcher: string, command: string, timeout?: number) => [{ matcher, hooks: [{ type: 'command', command, ...(timeout ? { timeout } : {}) }] }];
/** A hook script file (so tests need no shell quoting). */
function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** Running (a zombie waiting to be reaped counts as ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('hook input', () => {
  it('gets Claude Code\'s JSON on stdin and CLAUDE_PROJECT_DIR, with Claude Code\'s tool name and fields', async () => {
    const e = engine({ PreToolUse: on('Edit', `cat > ${dir}/stdin.json; echo "$CLAUDE_PROJECT_DIR" > ${dir}/env.txt`) });
    const out = await e.preToolUse({ id: 'toolu_1', name: 'edit_file', input: { path: 'a.ts', old_text: 'x', new_text: 'y' } });
    expect(out.ran).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dir, 'stdin.json'), 'utf8'))).toEqual({
      session_id: 'sess-1', transcript_path: '/t/sess-1.jsonl', cwd: dir, permission_mode: 'default', hook_event_name: 'PreToolUse',
      tool_name: 'Edit', tool_use_id: 'toolu_1',
      tool_input: { path: 'a.ts', old_text: 'x', new_text: 'y', file_path: 'a.ts', old_string: 'x', new_string: 'y' },
    });
    expect(readFileSync(path.join(dir, 'env.txt'), 'utf8').trim()).toBe(dir);
  });

  it('matchers: plain names exactly (tandem\'s or Claude Code\'s), `A|B`, regexes, empty and * for all', () => {
    expect(matcherMatches('Bash', ['Bash', 'bash'])).toBe(true);
    expect(matcherMatches('bash', ['Bash', 'bash'])).toBe(true);
    expect(matcherMatches('Edit|Write', ['Write', 'write_file'])).toBe(true);
    expect(matcherMatches('Edit', ['Bash', 'bash'])).toBe(false);
    expect(matcherMatches('Bas', ['Bash', 'bash'])).toBe(false);
    expect(matcherMatches('mcp__github__.*', ['mcp__github__create_issue'])).toBe(true);
    expect(matcherMatches('', ['anything'])).toBe(true);
    expect(matcherMatches('*', ['anything'])).toBe(true);
  });
});

describe('hook answers', () => {
  it('exit status 2 blocks, with stderr as the reason', async () => {
    const e = engine({ PreToolUse: on('Bash', 'echo "no rm here" >&2; exit 2') });
    const out = await e.preToolUse({ id: 't', name: 'bash', input: { command: 'rm -rf /' } });
    expect(out.blocked).toBe('no rm here');
  });

  it('JSON permissionDecision deny/ask/allow: the strictest of parallel hooks wins', async () => {
    const allow = `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'`;
    const deny = `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"policy"}}'`;
    const out = await engine({ PreToolUse: [...on('Bash', allow), ...on('Bash', deny)] }).preToolUse({ id: 't', name: 'bash', input: { command: 'ls' } });
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionReason).toBe('policy');
    const legacy = await engine({ PreToolUse: on('', `echo '{"decision":"approve"}'`) }).preToolUse({ id: 't', name: 'bash', input: {} });
    expect(legacy.permissionDecision).toBe('allow');
  });

  it('updatedInput rewrites the input; Claude Code\'s field names map back to tandem\'s', async () => {
    const rewrite = script('rewrite.sh', `cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","updatedInput":{"file_path":"b.ts","content":"new"}}}'`);
    const out = await engine({ PreToolUse: on('Write', rewrite) }).preToolUse({ id: 't', name: 'write_file', input: { path: 'a.ts', content: 'old' } });
    expect(out.updatedInput).toEqual({ path: 'b.ts', content: 'new' });
  });

  it('additionalContext and plain stdout of UserPromptSubmit become context; other events\' plain stdout does not', async () => {
    const e = engine({
      UserPromptSubmit: [...cmd('echo "today is build day"'), ...cmd(`echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"ticket ABC-1"}}'`)],
      Stop: cmd('echo plain text'),
    });
    const out = await e.userPromptSubmit('fix it');
    expect(out.context.sort()).toEqual(['ticket ABC-1', 'today is build day']);
    expect((await e.stop('Stop', { stopHookActive: false })).context).toEqual([]);
  });

  it('continue: false stops, with stopReason; decision block on Stop is the reason to go on', async () => {
    const e = engine({
      PostToolUse: cmd(`echo '{"continue":false,"stopReason":"build broken"}'`),
      Stop: cmd(`cat > ${dir}/stop.json; echo '{"decision":"block","reason":"tests still fail"}'`),
    });
    expect((await e.postToolUse({ id: 't', name: 'bash', input: {} }, { text: 'ok', isError: false })).stop).toEqual({ reason: 'build broken' });
    expect((await e.stop('SubagentStop', { stopHookActive: false })).blocked).toBeUndefined(); // no SubagentStop hook
    const stop = await e.stop('Stop', { stopHookActive: true });
    expect(stop.blocked).toBe('tests still fail');
    expect(JSON.parse(readFileSync(path.join(dir, 'stop.json'), 'utf8')).stop_hook_active).toBe(true);
  });

  it('malformed JSON is reported and ignored (the call is not blocked)', async () => {
    const out = await engine({ PreToolUse: on('Bash', `echo '{"decision": "block"'`) }).preToolUse({ id: 't', name: 'bash', input: {} });
    expect(out.blocked).toBeUndefined();
    expect(out.permissionDecision).toBeUndefined();
    expect(logs.join('\n')).toMatch(/PreToolUse hook `echo .*` \(.*settings\.json\) printed invalid JSON \(.*\); its output was ignored/);
  });

  it('a hook that hangs is killed at its timeout (with what it started) and reported; the others\' answers stand', async () => {
    const hang = script('hang.sh', `sleep 300 & echo $! > ${dir}/child.pid; wait`);
    const e = engine({ PreToolUse: [...on('Bash', hang, 0.5), ...on('Bash', 'echo slow-but-fine >&2; exit 2')] });
    const out = await e.preToolUse({ id: 't', name: 'bash', input: {} });
    expect(out.blocked).toBe('slow-but-fine');
    expect(logs.join('\n')).toMatch(/PreToolUse hook `.*hang\.sh` .* did not finish within 0\.5s and was killed/);
    expect(e.stats.timeouts).toBe(1);
    const pid = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
  });

  it('hooks of one event run in parallel', async () => {
    // Each waits for the other's mark: run one after the other, the first would time out.
    const a = script('a.sh', `touch ${dir}/a; i=0; while [ ! -e ${dir}/b ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e ${dir}/b ] && echo a-saw-b`);
    const b = script('b.sh', `touch ${dir}/b; i=0; while [ ! -e ${dir}/a ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e ${dir}/a ] && echo b-saw-a`);
    const out = await engine({ UserPromptSubmit: [...cmd(a), ...cmd(b)] }).userPromptSubmit('x');
    expect(out.context.sort()).toEqual(['a-saw-b', 'b-saw-a']);
  });

  it('a failing hook (exit 1) is reported and does not block', async () => {
    const out = await engine({ PreToolUse: on('', 'echo oops >&2; exit 1') }).preToolUse({ id: 't', name: 'bash', input: {} });
    expect(out.blocked).toBeUndefined();
    expect(logs.join('\n')).toMatch(/failed \(exit status 1\): oops/);
  });

  it('what tandem cannot run is a warning: unknown events, other hook types, missing commands', () => {
    engine({ OnLaunch: cmd('x'), Stop: [{ hooks: [{ type: 'prompt', prompt: 'y' }, { type: 'command' }] }] });
    expect(logs.join('\n')).toMatch(/hooks\.OnLaunch: tandem has no such event/);
    expect(logs.join('\n')).toMatch(/hooks\.Stop\[0\]\.hooks\[0\]: type "prompt" is not run by tandem/);
    expect(logs.join('\n')).toMatch(/hooks\.Stop\[0\]\.hooks\[1\]: "command" must be a non-empty string/);
  });

  it('TaskEnd hooks match the task\'s command and get how it ended', async () => {
    const e = engine({ TaskEnd: [...on('npm (run )?build', `cat > ${dir}/task.json`), ...on('pytest', `touch ${dir}/wrong`)] });
    await e.task('TaskEnd', { id: 'b1', command: 'npm run build', status: 'exited', exitCode: 1, startedAt: 0, runtimeMs: 1200, outputBytes: 0, logPath: '/l/b1.log', tty: false, foreground: false });
    const input = JSON.parse(readFileSync(path.join(dir, 'task.json'), 'utf8'));
    expect(input).toMatchObject({ hook_event_name: 'TaskEnd', task_id: 'b1', command: 'npm run build', status: 'exited', exit_code: 1, runtime_ms: 1200, log_path: '/l/b1.log' });
    expect(() => readFileSync(path.join(dir, 'wrong'))).toThrow();
  });
});

describe('/hooks', () => {
  it('lists each hook by event with matcher, timeout and file, the run figures, and says when project hooks are off', async () => {
    const { describeHooks } = await import('../../src/extensions/hooks/describe.js');
    const e = engine({ PreToolUse: on('Bash', 'true', 5), Stop: cmd('echo done') });
    await e.preToolUse({ id: 't', name: 'bash', input: {} });
    const text = describeHooks(e, false);
    expect(text).toContain('PreToolUse:\n  Bash             true  (timeout 5s, from ');
    expect(text).toContain('Stop:\n  *                echo done  (timeout 60s');
    expect(text).toMatch(/Run 1 time so far, \d+ ms each on average; 0 timed out, 0 failed\./);
    expect(text).toContain('This workspace is not trusted, so its own hooks are not loaded');
    expect(describeHooks(engine({}), true)).toMatch(/^No hooks\./);
  });
});
