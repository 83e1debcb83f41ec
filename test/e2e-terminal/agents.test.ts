// The terminal UI (tmux) with the model's todo list above the prompt, and a background subagent: in the status
// line, its permission question marked with its name, its notice waking the agent.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptConversations } from '../support/conversations.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { openUi, userTextOf, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

const rowOf = (screen: string, text: string) => screen.split('\n').findIndex((l) => l.includes(text));

describe('terminal UI: todo list and subagents', () => {
  it('shows the todo list above the prompt and hides it once everything is done', async () => {
    ui = await openUi({
      replies: [
        reply().tool('todo_write', {
          todos: [
            { content: 'Read the code', status: 'completed' },
            { content: 'Write the tests', status: 'in_progress', activeForm: 'Writing the tests' },
            { content: 'Update the README', status: 'pending' },
          ],
        }),
        reply().text('Planned.'),
        reply().tool('todo_write', {
          todos: [
            { content: 'Read the code', status: 'completed' },
            { content: 'Write the tests', status: 'completed' },
            { content: 'Update the README', status: 'completed' },
          ],
        }),
        reply().text('All finished.'),
      ],
    });
    ui.term.type('plan it');
    ui.term.press('Enter');
    const screen = await ui.term.waitFor((s) => s.includes('Planned.') && s.includes('Todos 1/3 done'));
    expect(screen).toMatch(/✔ Read the code/);
    expect(screen).toMatch(/◼ Writing the tests/);
    expect(screen).toMatch(/◻ Update the README/);
    const prompt = screen.split('\n').findLastIndex((l) => /^› /.test(l));
    expect(rowOf(screen, 'Todos 1/3 done')).toBeLessThan(prompt);
    expect(rowOf(screen, '◻ Update the README')).toBeLessThan(prompt);
    ui.term.type('finish');
    ui.term.press('Enter');
    const after = await ui.term.waitFor('All finished.');
    expect(after).not.toMatch(/Todos \d\/3 done/);
  });

  it('asks the user for a background subagent\'s permission, marked with its name, and wakes the agent with its report', async () => {
    ui = await openUi({ args: ['--notify', 'wake'] });
    const conv = scriptConversations(ui.server, {
      'SUB-UI': [
        reply().tool('bash', { command: 'touch made-by-subagent' }),
        reply().text('SUB-UI-REPORT: made the file.'),
      ],
      'delegate it': [
        reply().tool('agent', { prompt: 'SUB-UI: make a file', description: 'file maker', background: true }),
        reply().text('Delegated.'),
        reply().text('The subagent made the file.'),
      ],
    });
    ui.term.type('delegate it');
    ui.term.press('Enter');
    const asking = await ui.term.waitFor('Permission needed: bash (asked by subagent a1 (general-purpose))');
    expect(asking).toContain('touch made-by-subagent');
    // A task like any other: in the status line while it runs.
    expect(asking.trimEnd().split('\n').slice(-2).join('\n')).toMatch(/1 running: a1 file maker/);
    ui.term.type('y');
    await ui.term.waitFor('The subagent made the file.');
    expect(existsSync(path.join(ui.cwd, 'made-by-subagent'))).toBe(true);
    const main = conv.requests('delegate it');
    expect(main).toHaveLength(3);
    expect(JSON.stringify(main[2]!.body.messages)).toContain('SUB-UI-REPORT: made the file.');
    expect(userTextOf(ui.server, ui.server.requests.length - 1)).toContain('background agent a1');
    // Its usage counts toward the session and shows apart in /cost.
    ui.term.type('/cost');
    ui.term.press('Enter');
    const cost = await ui.term.waitFor('Subagents (included above)');
    expect(cost).toMatch(/a1 \(general-purpose\) \[claude-sonnet-4-6\]: 20 in, 10 out/);
  });

  it('Ctrl+B moves a foreground subagent to the background; its notice brings the report later', async () => {
    ui = await openUi({ args: ['--notify', 'wake', '--permission-mode', 'bypassPermissions'] });
    const flag = path.join(ui.cwd, 'go-on');
    const conv = scriptConversations(ui.server, {
      'FG-SUB': [
        reply().tool('bash', { command: `while [ ! -e ${flag} ]; do sleep 0.05; done; echo released` }),
        reply().text('FG-SUB-REPORT: released and done.'),
      ],
      'work in front': [
        reply().tool('agent', { prompt: 'FG-SUB: wait for the flag', description: 'flag waiter' }, 'toolu_fg'),
        reply().text('It went to the background.'),
        reply().text('The subagent finished after all.'),
      ],
    });
    ui.term.type('work in front');
    ui.term.press('Enter');
    await ui.term.waitFor(/agent general-purpose: flag waiter/);
    await ui.term.waitFor(() => conv.requests('FG-SUB').length >= 1);
    ui.term.press('C-b');
    await ui.term.waitFor('moved a1 to the background');
    await ui.term.waitFor('It went to the background.');
    writeFileSync(flag, '');
    await ui.term.waitFor('The subagent finished after all.');
    const main = conv.requests('work in front');
    expect(toolResultsOf(main[1]!).toolu_fg!.text).toMatch(/the user moved subagent a1 to the background/);
    expect(JSON.stringify(main[2]!.body.messages)).toContain('FG-SUB-REPORT: released and done.');
  });
});
