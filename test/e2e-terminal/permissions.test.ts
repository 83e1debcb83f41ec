// Permission dialogs in the terminal UI: the command or diff shown, answered with y, a (rule saved) and n
// (with a reason the model reads).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

async function ask(command: string): Promise<string> {
  ui = await openUi({ replies: [reply().tool('bash', { command }), reply().text('Finished.')] });
  ui.term.type('do it');
  ui.term.press('Enter');
  return ui.term.waitFor('Permission needed: bash');
}

describe('terminal UI: permission dialog', () => {
  it('y allows the command once', async () => {
    const screen = await ask('echo hi && touch made-by-y');
    expect(screen).toContain('$ echo hi && touch made-by-y');
    expect(screen).toContain('touch made-by-y: no rule allows it');
    // The dialog says once what it asks, not "needs approval" in the title, the reason and each part.
    expect(screen.match(/needs approval/gi) ?? []).toHaveLength(0);
    expect(screen).toContain('[a] always (adds Bash(touch:*))');
    ui!.term.type('y');
    await ui!.term.waitFor('Finished.');
    expect(existsSync(path.join(ui!.cwd, 'made-by-y'))).toBe(true);
    expect(ui!.term.screen()).toContain('allowed once: bash');
    expect(existsSync(path.join(ui!.cwd, '.tandem/settings.local.json'))).toBe(false);
  });

  it('a allows it and saves the rule to .tandem/settings.local.json', async () => {
    await ask('touch made-by-a');
    ui!.term.type('a');
    await ui!.term.waitFor('Finished.');
    expect(existsSync(path.join(ui!.cwd, 'made-by-a'))).toBe(true);
    const settings = JSON.parse(readFileSync(path.join(ui!.cwd, '.tandem/settings.local.json'), 'utf8'));
    expect(settings.permissions.allow).toContain('Bash(touch:*)');
    await ui!.term.waitFor('allowed from now on: Bash(touch:*)');
  });

  it('n denies it and passes the reason to the model', async () => {
    await ask('touch made-by-n');
    ui!.term.type('n');
    await ui!.term.waitFor('Tell the model why');
    ui!.term.type('use the Makefile instead');
    ui!.term.press('Enter');
    await ui!.term.waitFor('Finished.');
    expect(existsSync(path.join(ui!.cwd, 'made-by-n'))).toBe(false);
    const result = userTextOf(ui!.server, 1);
    expect(result).toContain('The user denied permission for this bash call.');
    expect(result).toContain('use the Makefile instead');
    expect(ui!.term.screen()).toContain('denied: bash touch made-by-n: use the Makefile instead');
  });

  it('shows the diff of an edit, and the diff again once written', async () => {
    ui = await openUi({
      replies: [reply().tool('write_file', { path: 'notes.txt', content: 'alpha\nbeta\n' }), reply().text('Written.')],
    });
    ui.term.type('write it');
    ui.term.press('Enter');
    const dialog = await ui.term.waitFor('Permission needed: write_file');
    expect(dialog).toMatch(/^│ \+alpha/m);
    ui.term.type('y');
    const done = await ui.term.waitFor('Written.');
    expect(done).toMatch(/✓ write_file notes\.txt \(2 lines\) · \+2 -0/);
    expect(done).toMatch(/^ +1 \+ alpha$/m);
    expect(readFileSync(path.join(ui.cwd, 'notes.txt'), 'utf8')).toBe('alpha\nbeta\n');
  });

  it('Esc denies, and no key reaches the prompt while the dialog is open', async () => {
    await ask('touch made-by-esc');
    ui!.term.type('hello');
    ui!.term.press('Escape');
    await ui!.term.waitFor('Finished.');
    expect(existsSync(path.join(ui!.cwd, 'made-by-esc'))).toBe(false);
    expect(ui!.term.screen()).not.toMatch(/^› .*hello/m);
  });
});
