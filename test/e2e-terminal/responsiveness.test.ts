// The quality bar: a task flooding its output and a fast stream of text do not make the input lag, and
// the live part of the screen stays within the terminal however much arrives.
import { afterEach, describe, expect, it } from 'vitest';
import { reply } from '../support/model-server.js';
import { openUi, type UiSession } from './session.js';

let ui: UiSession | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

describe('terminal UI: responsiveness', () => {
  it('echoes keys promptly while a background task prints megabytes a second and a long answer streams', async () => {
    const answer = reply();
    for (let i = 0; i < 400; i++) answer.text(`Line ${i} of a long streamed answer.\n`);
    ui = await openUi({
      args: ['--allow', 'Bash(yes:*)', '--allow', 'Bash(head:*)', '--allow', 'Bash(seq:*)', '--allow', 'Bash(sleep:*)', '--notify', 'next-turn'],
      replies: [
        // About 30 MB/s for several seconds: a chatty build, not a fork bomb (CI has two cores).
        reply().tool('background_run', { command: 'for i in $(seq 1 300); do yes flood-flood-flood-flood-flood-flood | head -c 1000000; sleep 0.02; done', description: 'flood' }),
        answer.text('ANSWER-END').chunkDelayMs(2),
      ],
    });
    ui.term.type('flood it');
    ui.term.press('Enter');
    await ui.term.waitFor(/Line \d+ of a long streamed answer/);
    const typedAt = Date.now();
    ui.term.type('still-typing');
    await ui.term.waitFor(/^› still-typing/m, 5000, 40);
    const lag = Date.now() - typedAt;
    expect(lag).toBeLessThan(1500);
    const screen = await ui.term.waitFor('ANSWER-END', 15_000);
    expect(screen).toContain('Line 399 of a long streamed answer.');
    // The flood is still going, and none of it reached the conversation: task output is read only when asked for.
    expect(screen).not.toContain('◆ task b1');
    expect(screen.split('\n').filter((l) => /^\W*flood-flood/.test(l))).toEqual([]);
    console.log(`key echo lag while flooding and streaming: ${lag} ms`);
  });
});
