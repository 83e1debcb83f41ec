// Custom slash commands and skills from the user's folders, end to end through the built binary.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, tempDir, testEnv } from '../support/cli.js';
import { reply, systemText, toolResultsOf, type RecordedRequest } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A HOME and a TANDEM_HOME of the test's own. */
function homes(): { home: string; tandemHome: string; env: Record<string, string | undefined> } {
  const home = tempDir('tandem-user-home-');
  const tandemHome = path.join(home, '.tandem');
  made.push(home);
  return { home, tandemHome, env: testEnv(t.server.url, { HOME: home, TANDEM_HOME: tandemHome }) };
}

/** The text blocks of the last user message of a request. */
function lastUserTexts(request: RecordedRequest): string[] {
  const content = request.body.messages.at(-1)!.content as unknown as { type: string; text?: string }[] | string;
  return typeof content === 'string' ? [content] : content.filter((b) => b.type === 'text').map((b) => b.text!);
}

describe('custom slash commands', () => {
  it('tandem -p "/review src/ quick" sends the expansion: arguments, allowed command output, @file', async () => {
    const { home, env } = homes();
    write(path.join(home, '.claude', 'commands', 'review.md'), [
      '---',
      'description: Review the given path',
      'argument-hint: "[path] [focus]"',
      'allowed-tools: Bash(echo:*), Read',
      '---',
      'Review $ARGUMENTS (path $1, focus $2).',
      'Shell says: !`echo from-the-shell`',
      'Notes are in @notes.txt.',
    ].join('\n'));
    write(path.join(t.cwd, 'notes.txt'), 'remember the edge cases\n');
    t.server.enqueue(reply().text('Reviewed.'));
    const run = await runTandem(['-p', '/review src/ quick'], { cwd: t.cwd, env });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Reviewed.');
    const texts = lastUserTexts(t.server.requests[0]!);
    expect(texts[0]).toContain('Review src/ quick (path src/, focus quick).');
    expect(texts[0]).toContain('Shell says: from-the-shell');
    expect(texts[0]).not.toContain('!`');
    expect(texts.find((x) => x.startsWith('<file path="notes.txt">'))).toContain('remember the edge cases');
    expect(run.stderr).toContain('/review: ran echo from-the-shell');
    expect(run.stderr).toContain('attached notes.txt');
  });

  it('a subfolder is a namespace, ~/.tandem/commands is read, and unused arguments are appended', async () => {
    const { tandemHome, env } = homes();
    write(path.join(tandemHome, 'commands', 'git', 'summary.md'), 'Summarise the recent history.\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', '/git:summary last week'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(lastUserTexts(t.server.requests[0]!)[0]).toBe('Summarise the recent history.\n\nARGUMENTS: last week');
  });

  it('!`command` runs under the permission rules: not allowed in print mode, it does not run and the model is told', async () => {
    const { home, env } = homes();
    write(path.join(home, '.claude', 'commands', 'touchy.md'), 'Result: !`touch made-by-command`\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', '/touchy'], { cwd: t.cwd, env });
    expect(existsSync(path.join(t.cwd, 'made-by-command'))).toBe(false);
    expect(run.stderr).toMatch(/\/touchy: !`touch made-by-command` did not run/);
    expect(lastUserTexts(t.server.requests[0]!)[0]).toMatch(/Result: .*denied/i);
  });

  it('model: in the front matter is used for the turn the command starts', async () => {
    const { home, env } = homes();
    write(path.join(home, '.claude', 'commands', 'quick.md'), '---\nmodel: claude-haiku-4-5\n---\nBe quick.\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', '/quick', '--model', 'claude-sonnet-4-6'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(t.server.requests[0]!.body.model).toBe('claude-haiku-4-5');
  });

  it("an untrusted workspace's own commands do nothing: the line goes to the model as typed", async () => {
    const { env } = homes();
    write(path.join(t.cwd, '.claude', 'commands', 'hostile.md'), 'Run !`touch pwned`\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', '/hostile'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(existsSync(path.join(t.cwd, 'pwned'))).toBe(false);
    expect(lastUserTexts(t.server.requests[0]!)[0]).toBe('/hostile');
    expect(run.stderr).toMatch(/not trusted.*ignored: .*\.claude\/commands: 1 command.*--trust/);
  });

  it('with --trust the project\'s commands and skills load, and a project command wins over a user one of the same name', async () => {
    const { home, env } = homes();
    write(path.join(home, '.claude', 'commands', 'check.md'), 'USER version\n');
    write(path.join(t.cwd, '.claude', 'commands', 'check.md'), '---\nallowed-tools: Bash(touch:*)\n---\nPROJECT version: !`touch made-by-project-command && echo touched`\n');
    write(path.join(t.cwd, '.tandem', 'skills', 'deploy', 'SKILL.md'), '---\nname: deploy\ndescription: How this project deploys.\n---\nSteps.\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', '/check', '--trust'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(existsSync(path.join(t.cwd, 'made-by-project-command'))).toBe(true);
    expect(lastUserTexts(t.server.requests[0]!)[0]).toBe('PROJECT version: touched');
    expect(systemText(t.server.requests[0]!.body)).toContain('- deploy: How this project deploys.');
  });
});

describe('skills', () => {
  it('only names and descriptions are in the system prompt; the skill tool loads the body and the model reads its files', async () => {
    const { home, env } = homes();
    const dir = path.join(home, '.claude', 'skills', 'release-notes');
    write(path.join(dir, 'SKILL.md'), [
      '---',
      'name: release-notes',
      'description: Writes release notes from the git log. Use when asked for a changelog.',
      '---',
      '# Release notes',
      'SECRET-BODY-MARKER: follow template.md in this folder.',
    ].join('\n'));
    write(path.join(dir, 'template.md'), 'TEMPLATE-MARKER ## Added\n');
    t.server.enqueue(reply().tool('skill', { name: 'release-notes' }, 'toolu_skill'));
    t.server.enqueue(reply().tool('read_file', { path: path.join(dir, 'template.md') }, 'toolu_read'));
    t.server.enqueue(reply().text('Here are the notes.'));
    const run = await runTandem(['-p', 'write the changelog'], { cwd: t.cwd, env });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const system = systemText(t.server.requests[0]!.body);
    expect(system).toContain('- release-notes: Writes release notes from the git log. Use when asked for a changelog.');
    expect(system).not.toContain('SECRET-BODY-MARKER');
    const skill = toolResultsOf(t.server.requests[1]!).toolu_skill!;
    expect(skill.isError).toBe(false);
    expect(skill.text).toContain('SECRET-BODY-MARKER');
    expect(skill.text).toContain(path.join(dir, 'template.md'));
    const read = toolResultsOf(t.server.requests[2]!).toolu_read!;
    expect(read.isError).toBe(false);
    expect(read.text).toContain('TEMPLATE-MARKER');
  });

  it('a skill without a description is not loaded, and tandem says why', async () => {
    const { home, env } = homes();
    write(path.join(home, '.claude', 'skills', 'vague', 'SKILL.md'), '---\nname: vague\n---\nbody\n');
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/vague\/SKILL\.md: not loaded \(its front matter needs a description/);
    expect(t.server.requests[0]!.body.tools?.some((tool: { name: string }) => tool.name === 'skill')).toBe(false);
  });
});
