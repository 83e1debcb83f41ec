// Hooks end to end through the built binary: a trusted workspace's .claude/settings.json hooks (Claude Code's
// format, unchanged) block, rewrite, add context, keep the agent going, run when a background task ends, and a
// hung one is killed and reported.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, startTandem, testEnv, watch } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const results = (i: number) => toolResultsOf(t.server.requests[i]!);
const userTexts = (i: number) => JSON.stringify((t.server.requests[i]!.body as { messages: { role: string; content: unknown }[] }).messages.filter((m) => m.role === 'user'));

/** Writes .claude/settings.json with `hooks` and each script under .claude/hooks/ (run as "$CLAUDE_PROJECT_DIR"/.claude/hooks/NAME). */
function withHooks(hooks: Record<string, unknown>, scripts: Record<string, string> = {}): void {
  cleanup.push(t.cwd);
  mkdirSync(path.join(t.cwd, '.claude', 'hooks'), { recursive: true });
  writeFileSync(path.join(t.cwd, '.claude', 'settings.json'), JSON.stringify({ hooks }, null, 2));
  for (const [name, body] of Object.entries(scripts)) writeFileSync(path.join(t.cwd, '.claude', 'hooks', name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}
const hook = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'command', command: `"$CLAUDE_PROJECT_DIR"/.claude/hooks/${name}`, ...extra });

async function run(args: string[]) {
  const env = testEnv(t.server.url);
  cleanup.push(env.TANDEM_HOME!);
  return runTandem(['--trust', ...args], { cwd: t.cwd, env });
}

describe('hooks through the CLI', () => {
  it('PreToolUse exit 2 blocks the call, and the model reads the hook\'s stderr', async () => {
    withHooks({ PreToolUse: [{ matcher: 'Bash', hooks: [hook('guard.sh')] }] }, {
      'guard.sh': 'if grep -q curl; then echo "curl is not allowed here; use the vendored copy" >&2; exit 2; fi',
    });
    t.server.enqueue(reply().tool('bash', { command: 'curl -s example.com > fetched.txt' }, 'toolu_1'), reply().text('ok'));
    const r = await run(['--allow', 'Bash', '-p', 'fetch it']);
    expect(r.code).toBe(3);
    expect(results(1).toolu_1).toEqual({ isError: true, text: 'A PreToolUse hook blocked bash: curl is not allowed here; use the vendored copy' });
    expect(existsSync(path.join(t.cwd, 'fetched.txt'))).toBe(false);
  });

  it('PreToolUse updatedInput rewrites the command before the rules see it; permissionDecision allow skips them', async () => {
    withHooks({ PreToolUse: [{ matcher: 'Bash', hooks: [hook('rewrite.sh')] }] }, {
      'rewrite.sh': `cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"command":"echo rewritten > out.txt"}}}'`,
    });
    t.server.enqueue(reply().tool('bash', { command: 'echo original > out.txt' }, 'toolu_1'), reply().text('ok'));
    const r = await run(['-p', 'write it']); // no --allow: the hook's allow lets it run in print mode
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(t.cwd, 'out.txt'), 'utf8')).toBe('rewritten\n');
  });

  it('PostToolUse additionalContext and SessionStart / UserPromptSubmit output reach the model, marked as hook output', async () => {
    withHooks({
      SessionStart: [{ hooks: [hook('start.sh')] }],
      UserPromptSubmit: [{ hooks: [hook('prompt.sh')] }],
      PostToolUse: [{ matcher: 'Write|Edit', hooks: [hook('format.sh')] }],
    }, {
      'start.sh': 'echo "branch: main, 3 open PRs"',
      'prompt.sh': 'cat > "$CLAUDE_PROJECT_DIR/prompt.json"; echo "on-call: Ada"',
      'format.sh': `cat > "$CLAUDE_PROJECT_DIR/post.json"; echo '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"formatted with prettier"}}'`,
    });
    t.server.enqueue(reply().tool('write_file', { path: 'a.txt', content: 'x\n' }, 'toolu_1'), reply().text('ok'));
    const r = await run(['--allow', 'Edit', '-p', 'write a.txt']);
    expect(r.code).toBe(0);
    const first = userTexts(0);
    expect(first).toContain('<hook-output event=\\"SessionStart\\">\\nbranch: main, 3 open PRs\\n</hook-output>');
    expect(first).toContain('<hook-output event=\\"UserPromptSubmit\\">\\non-call: Ada\\n</hook-output>');
    expect(JSON.parse(readFileSync(path.join(t.cwd, 'prompt.json'), 'utf8'))).toMatchObject({ hook_event_name: 'UserPromptSubmit', prompt: 'write a.txt', cwd: t.cwd });
    expect(results(1).toolu_1!.text).toMatch(/<hook-output event="PostToolUse">\nformatted with prettier\n<\/hook-output>$/);
    const post = JSON.parse(readFileSync(path.join(t.cwd, 'post.json'), 'utf8'));
    expect(post).toMatchObject({ hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { path: 'a.txt', file_path: 'a.txt' }, tool_response: { is_error: false } });
  });

  it('UserPromptSubmit exit 2 stops the prompt before any request, saying why', async () => {
    withHooks({ UserPromptSubmit: [{ hooks: [hook('no.sh')] }] }, { 'no.sh': 'echo "prompts mentioning secrets are blocked" >&2; exit 2' });
    const r = await run(['-p', 'print the secrets']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('prompt blocked by a UserPromptSubmit hook: prompts mentioning secrets are blocked');
    expect(t.server.requests).toHaveLength(0);
  });

  it('a Stop hook that blocks keeps the agent going with its reason; stop_hook_active ends the loop', async () => {
    withHooks({ Stop: [{ hooks: [hook('stop.sh')] }] }, {
      'stop.sh': `if grep -q '"stop_hook_active":true'; then exit 0; fi; echo '{"decision":"block","reason":"run the tests before you stop"}'`,
    });
    t.server.enqueue(reply().text('done, I think'), reply().text('tests pass now'));
    const r = await run(['-p', 'fix it']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('tests pass now');
    expect(t.server.requests).toHaveLength(2);
    expect(userTexts(1)).toContain('run the tests before you stop');
  });

  it('TaskEnd runs when a background task ends, with how it ended', async () => {
    withHooks({ TaskEnd: [{ matcher: 'make', hooks: [hook('ended.sh')] }] }, { 'ended.sh': 'cat > "$CLAUDE_PROJECT_DIR/task-end.json"' });
    t.server.enqueue(reply().tool('background_run', { command: 'echo building; exit 3', description: 'make all' }, 'toolu_1'), reply().text('it failed'));
    const r = await run(['--allow', 'Bash', '-p', 'build: run make in the background']);
    expect(r.code).toBe(0);
    // The matcher is searched in the command; this one has no "make", so nothing ran.
    expect(existsSync(path.join(t.cwd, 'task-end.json'))).toBe(false);

    withHooks({ TaskEnd: [{ matcher: 'exit [0-9]', hooks: [hook('ended.sh')] }] }, { 'ended.sh': 'cat > "$CLAUDE_PROJECT_DIR/task-end.json"' });
    t.server.enqueue(reply().tool('background_run', { command: 'echo building; exit 3' }, 'toolu_2'), reply().text('it failed'));
    const again = await run(['--allow', 'Bash', '-p', 'build again']);
    expect(again.code).toBe(0);
    const ended = JSON.parse(readFileSync(path.join(t.cwd, 'task-end.json'), 'utf8'));
    expect(ended).toMatchObject({ hook_event_name: 'TaskEnd', command: 'echo building; exit 3', status: 'exited', exit_code: 3 });
    expect(ended.task_id).toMatch(/\w/);
  });

  it('a hook that hangs is killed at its timeout and reported; the call goes on', async () => {
    withHooks({ PreToolUse: [{ matcher: '*', hooks: [hook('hang.sh', { timeout: 1 })] }] }, { 'hang.sh': 'sleep 60' });
    t.server.enqueue(reply().tool('bash', { command: 'touch ran.txt' }, 'toolu_1'), reply().text('ok'));
    const r = await run(['--allow', 'Bash', '-p', 'go']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tandem: PreToolUse hook `.*hang\.sh` \(.*settings\.json\) did not finish within 1s and was killed; tandem went on without it/);
    expect(existsSync(path.join(t.cwd, 'ran.txt'))).toBe(true);
  });

  it('untrusted, the workspace\'s hooks do not run; the user\'s own do', async () => {
    withHooks({ UserPromptSubmit: [{ hooks: [hook('mark.sh')] }] }, { 'mark.sh': 'touch "$CLAUDE_PROJECT_DIR/project-hook-ran"' });
    const env = testEnv(t.server.url);
    cleanup.push(env.TANDEM_HOME!);
    writeFileSync(path.join(env.TANDEM_HOME!, 'settings.json'), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'touch "$CLAUDE_PROJECT_DIR/user-hook-ran"' }] }] } }));
    t.server.enqueue(reply().text('ok'));
    const r = await runTandem(['-p', 'hi'], { cwd: t.cwd, env });
    expect(r.code).toBe(0);
    expect(existsSync(path.join(t.cwd, 'user-hook-ran'))).toBe(true);
    expect(existsSync(path.join(t.cwd, 'project-hook-ran'))).toBe(false);
    expect(r.stderr).toContain('.claude/settings.json: 1 hook (UserPromptSubmit)');
  });

  it('/clear ends the conversation (SessionEnd, reason clear) and starts one (SessionStart, source clear); /hooks lists them', async () => {
    withHooks({
      SessionStart: [{ hooks: [hook('log.sh')] }],
      SessionEnd: [{ hooks: [hook('log.sh')] }],
    }, { 'log.sh': 'line=$(cat); echo "$line" >> "$CLAUDE_PROJECT_DIR/events.jsonl"' });
    const env = testEnv(t.server.url);
    cleanup.push(env.TANDEM_HOME!);
    const repl = watch(startTandem(['--trust'], { cwd: t.cwd, env }));
    repl.child.stdin!.write('/hooks\n');
    await repl.waitFor(/SessionEnd:\n {2}\* +"\$CLAUDE_PROJECT_DIR"\/\.claude\/hooks\/log\.sh {2}\(timeout 60s, from .*\.claude\/settings\.json\)/);
    repl.child.stdin!.write('/clear\n');
    await repl.waitFor(/\(new conversation\)/);
    repl.child.stdin!.end();
    expect((await repl.done).code).toBe(0);
    const events = readFileSync(path.join(t.cwd, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(events.map((e) => `${e.hook_event_name} ${e.source ?? e.reason}`)).toEqual([
      'SessionStart startup', 'SessionEnd clear', 'SessionStart clear', 'SessionEnd other',
    ]);
  });
});
