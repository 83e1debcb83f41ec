// End-to-end: permissions through the built binary — rules from flags and settings files, modes, the trust
// given to a project's shared settings, and the plain REPL's approval question answered on piped stdin.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTandem, startTandem, testEnv, watch } from '../support/cli.js';
import { reply, systemText, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

/** The tool results the model got in request `i`, by tool_use id, as text. */
const results = (i: number) => toolResultsOf(t.server.requests[i]!);

function putSettings(file: 'settings.json' | 'settings.local.json', content: unknown): string {
  mkdirSync(path.join(t.cwd, '.tandem'), { recursive: true });
  const target = path.join(t.cwd, '.tandem', file);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return target;
}

describe('permission rules through the CLI', () => {
  it('a bare Bash or Edit allow rule is named at start-up as what it is', async () => {
    const file = putSettings('settings.local.json', { permissions: { allow: ['Edit'] } });
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['--trust', '--allow', 'Bash', '-p', 'hi'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('allow rule Bash from --allow allows every command');
    expect(run.stderr).toContain(`allow rule Edit from ${file} allows every file write`);
  });

  it('with a deny rule, a wrapper or code string cannot run the denied command (print mode denies it)', async () => {
    for (const [i, command] of ['chrt -f 1 git push', `awk 'BEGIN{system("git push")}'`, "sed -n '1e git push' f"].entries()) {
      t.server.enqueue(reply().tool('bash', { command }, `toolu_${i}`));
    }
    t.server.enqueue(reply().text('done'));
    const run = await runTandem(['--deny', 'Bash(git push:*)', '--allow', 'Bash(chrt:*)', '--allow', 'Bash(awk:*)', '--allow', 'Bash(sed:*)', '-p', 'push'],
      { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3);
    for (let i = 0; i < 3; i++) {
      const r = results(i + 1)[`toolu_${i}`]!;
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/^Permission denied for bash: .*(Bash\(git push:\*\))/);
    }
  });

  it('background_run honours the same rules as bash: the same denial, and what is allowed runs', async () => {
    t.server.enqueue(reply()
      .tool('bash', { command: 'git push origin main' }, 'toolu_fg')
      .tool('background_run', { command: 'git push origin main' }, 'toolu_bg'));
    t.server.enqueue(reply().tool('background_run', { command: 'touch bg-ran.txt' }, 'toolu_ok'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem(['--deny', 'Bash(git push:*)', '--allow', 'Bash(touch:*)', '-p', 'push it'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3); // succeeded, but a call was denied
    const denied = results(1);
    expect(denied.toolu_fg!.isError).toBe(true);
    expect(denied.toolu_bg!.isError).toBe(true);
    expect(denied.toolu_fg!.text).toMatch(/^Permission denied for bash: .*git push origin main.*Bash\(git push:\*\)/);
    expect(denied.toolu_bg!.text).toBe(denied.toolu_fg!.text.replace('for bash:', 'for background_run:'));
    expect(results(2).toolu_ok!.isError).toBe(false);
    expect(existsSync(path.join(t.cwd, 'bg-ran.txt'))).toBe(true);
  });

  it('a compound command cannot hide a denied part behind an allowed one', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'git status; git push' }, 'toolu_1'));
    t.server.enqueue(reply().text('denied'));
    const run = await runTandem(['--deny', 'Bash(git push:*)', '--allow', 'Bash(git status:*)', '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3); // succeeded, but a call was denied
    const r = results(1).toolu_1!;
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^Permission denied for bash: .*`?git push`?.*matches deny rule Bash\(git push:\*\)/);
    expect(run.stderr).toMatch(/git status; git push/);
  });

  it('plan mode: the system prompt says so, and write_file is denied', async () => {
    t.server.enqueue(reply().tool('write_file', { path: 'plan.txt', content: 'x\n' }, 'toolu_w'));
    t.server.enqueue(reply().text('I will only plan.'));
    const run = await runTandem(['--permission-mode', 'plan', '-p', 'write a file'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3); // succeeded, but a call was denied
    expect(systemText(t.server.requests[0]!.body)).toContain('You are in plan mode');
    expect(results(1).toolu_w).toMatchObject({ isError: true, text: expect.stringMatching(/^Permission denied for write_file: /) });
    expect(existsSync(path.join(t.cwd, 'plan.txt'))).toBe(false);
  });

  it('acceptEdits: writes inside the workspace run, a command asks and is denied in print mode', async () => {
    t.server.enqueue(reply()
      .tool('write_file', { path: 'edit.txt', content: 'edited\n' }, 'toolu_w')
      .tool('bash', { command: 'touch cmd-ran.txt' }, 'toolu_b'));
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['--permission-mode', 'acceptEdits', '-p', 'edit'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3); // succeeded, but a call was denied
    expect(systemText(t.server.requests[0]!.body)).not.toContain('plan mode');
    const r = results(1);
    expect(r.toolu_w!.isError).toBe(false);
    expect(readFileSync(path.join(t.cwd, 'edit.txt'), 'utf8')).toBe('edited\n');
    expect(r.toolu_b!.isError).toBe(true);
    expect(r.toolu_b!.text).toMatch(/Nobody can approve this in print mode, so it was denied\. To allow it, run tandem again with --allow 'Bash\(touch:\*\)'/);
    expect(existsSync(path.join(t.cwd, 'cmd-ran.txt'))).toBe(false);
  });
});

describe('settings files through the CLI', () => {
  it('an allow rule in .tandem/settings.json takes effect once the workspace is trusted', async () => {
    putSettings('settings.json', { permissions: { allow: ['Bash(touch:*)'] } });
    t.server.enqueue(reply().tool('bash', { command: 'touch from-settings.txt' }, 'toolu_1'));
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['--trust', '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(results(1).toolu_1!.isError).toBe(false);
    expect(existsSync(path.join(t.cwd, 'from-settings.txt'))).toBe(true);
  });

  it('a malformed settings file stops tandem with exit 2, naming file:line:column', async () => {
    const file = putSettings('settings.json', '{\n  "permissions": {\n    "allow": "Bash(ls)"\n  }\n}\n');
    const run = await runTandem(['-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`tandem: ${file}:3:14: permissions.allow:`);
    expect(t.server.requests).toHaveLength(0);

    putSettings('settings.json', '{ "permissions": { "allow": ["Bash(ls)",] } }');
    const syntax = await runTandem(['-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:1:\\d+: invalid JSON`));
  });

  it('a project\'s shared settings cannot turn on bypassPermissions or credentials; settings.local.json can', async () => {
    putSettings('settings.json', { permissions: { defaultMode: 'bypassPermissions' }, env: { inheritCredentials: true } });
    t.server.enqueue(reply().tool('bash', { command: 'touch bypassed.txt; echo "key=${ANTHROPIC_API_KEY:-none}"' }, 'toolu_1'));
    t.server.enqueue(reply().text('ok'));
    const env = testEnv(t.server.url);
    const shared = await runTandem(['--trust', '-p', 'go'], { cwd: t.cwd, env });
    expect(shared.code).toBe(3); // succeeded, but a call was denied
    expect(shared.stderr).toMatch(/settings\.json:\d+:\d+: "defaultMode": "bypassPermissions" is ignored in the project's shared settings, .*to use it, set it in your user settings \(.*\) or in .*settings\.local\.json, or pass --permission-mode bypassPermissions/);
    expect(shared.stderr).toMatch(/"env\.inheritCredentials": true is ignored in the project's shared settings/);
    expect(results(1).toolu_1!.isError).toBe(true);
    expect(existsSync(path.join(t.cwd, 'bypassed.txt'))).toBe(false);

    putSettings('settings.local.json', { permissions: { defaultMode: 'bypassPermissions' }, env: { inheritCredentials: true } });
    t.server.enqueue(reply().tool('bash', { command: 'touch bypassed.txt; echo "key=${ANTHROPIC_API_KEY:-none}"' }, 'toolu_2'));
    t.server.enqueue(reply().text('ok'));
    const local = await runTandem(['-p', 'go'], { cwd: t.cwd, env });
    expect(local.code).toBe(0);
    expect(local.stderr).toContain('permission mode bypassPermissions');
    // The key reaches the command (inheritCredentials) and is redacted before the model sees it.
    expect(results(3).toolu_2).toEqual({ isError: false, text: 'key=[REDACTED]' });
    expect(existsSync(path.join(t.cwd, 'bypassed.txt'))).toBe(true);
  });
});

describe('the plain REPL asks on piped stdin', () => {
  const startRepl = (env = testEnv(t.server.url)) => {
    t.server.enqueue(reply().tool('bash', { command: 'npm --version' }, 'toolu_npm'));
    t.server.enqueue(reply().text('Answered.'));
    const tandem = watch(startTandem([], { cwd: t.cwd, env }));
    tandem.child.stdin!.write('what npm version is this?\n');
    return tandem;
  };
  const question = /Permission needed: bash(?: — .*)?\n {2}\$ npm --version\n[\s\S]*Allow\? \[y\]es, \[a\]lways \(adds (Bash\([^)]*\))\), \[n\]o: /;
  const version = /^\d+\.\d+\.\d+$/;

  it('"a" saves the suggested rule to .tandem/settings.local.json and runs the command; it holds in later runs', async () => {
    const env = testEnv(t.server.url);
    const tandem = startRepl(env);
    const [, rule] = await tandem.waitFor(question);
    expect(rule).toBe('Bash(npm:*)');
    tandem.child.stdin!.write('a\n');
    await tandem.waitFor(/Answered\./);
    tandem.child.stdin!.end();
    const run = await tandem.done;
    expect(run.code).toBe(0);
    expect(results(1).toolu_npm!.text.trim()).toMatch(version);
    const saved = JSON.parse(readFileSync(path.join(t.cwd, '.tandem', 'settings.local.json'), 'utf8'));
    expect(saved).toEqual({ permissions: { allow: ['Bash(npm:*)'] } });
    expect(run.stderr).toMatch(/allowed from now on: Bash\(npm:\*\) \(saved to .*settings\.local\.json\)/);

    // The workspace is not trusted, yet the person's own answer counts next time (tandem remembered granting it);
    // a rule a repository commits to the same file does not.
    const local = path.join(t.cwd, '.tandem', 'settings.local.json');
    writeFileSync(local, JSON.stringify({ permissions: { allow: ['Bash(npm:*)', 'Bash(touch:*)'] } }));
    t.server.enqueue(reply().tool('bash', { command: 'npm --version' }, 'toolu_2').tool('bash', { command: 'touch planted' }, 'toolu_3'), reply().text('ok'));
    const later = await runTandem(['-p', 'again'], { cwd: t.cwd, env });
    expect(results(3).toolu_2!.text.trim()).toMatch(version);
    expect(results(3).toolu_3!.isError).toBe(true);
    expect(later.stderr).toContain('.tandem/settings.local.json: allow Bash(touch:*)');
  });

  it('"n" and a reason: the command does not run and the model reads the reason', async () => {
    const tandem = startRepl();
    await tandem.waitFor(question);
    tandem.child.stdin!.write('n\n');
    await tandem.waitFor(/Tell the model why \(Enter to skip\): /);
    tandem.child.stdin!.write('use the lockfile instead\n');
    await tandem.waitFor(/Answered\./);
    tandem.child.stdin!.end();
    expect((await tandem.done).code).toBe(0);
    expect(results(1).toolu_npm).toEqual({
      isError: true, text: 'The user denied permission for this bash call. They said: "use the lockfile instead"',
    });
  });

  it('"y" runs it once and saves nothing', async () => {
    const tandem = startRepl();
    await tandem.waitFor(question);
    tandem.child.stdin!.write('y\n');
    await tandem.waitFor(/Answered\./);
    tandem.child.stdin!.end();
    expect((await tandem.done).code).toBe(0);
    expect(results(1).toolu_npm!.text.trim()).toMatch(version);
    expect(existsSync(path.join(t.cwd, '.tandem', 'settings.local.json'))).toBe(false);
  });
});
