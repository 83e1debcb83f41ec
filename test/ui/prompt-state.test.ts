import { describe, expect, it } from 'vitest';
import { key, type KeyEvent } from '../../src/cli/ui/keys.js';
import { afterSubmit, initialPrompt, promptKey, type PromptEffect, type PromptState } from '../../src/cli/ui/prompt-state.js';

const text = (t: string): KeyEvent => ({ type: 'text', text: t });
const press = (name: string, mods = {}): KeyEvent => ({ type: 'key', key: key(name, mods) });

function run(state: PromptState, ...events: KeyEvent[]): { state: PromptState; effects: PromptEffect[] } {
  const effects: PromptEffect[] = [];
  for (const ev of events) {
    const r = promptKey(state, ev);
    state = r.state;
    if (r.effect) effects.push(r.effect);
  }
  return { state, effects };
}

describe('prompt keys', () => {
  it('sends on Enter and inserts a newline on Shift+Enter, Alt+Enter or after a backslash', () => {
    const { state, effects } = run(initialPrompt([]), text('a'), press('return', { shift: true }), text('b'),
      press('return', { meta: true }), text('c\\'), press('return'), text('d'), press('return'));
    expect(state.editor.text).toBe('a\nb\nc\nd');
    expect(effects).toEqual([{ type: 'submit', text: 'a\nb\nc\nd', entry: 'a\nb\nc\nd' }]);
  });

  it('does not send blank input', () => {
    expect(run(initialPrompt([]), text('  '), press('return')).effects).toEqual([]);
  });

  it('edits with shell keys', () => {
    const { state } = run(initialPrompt([]), text('git commit -m wip'), press('w', { ctrl: true }),
      press('a', { ctrl: true }), press('f', { meta: true }), press('k', { ctrl: true }), text(' status'));
    expect(state.editor.text).toBe('git status');
  });

  it('browses history with Up/Down and gets the draft back', () => {
    let { state } = run(initialPrompt(['first', 'second']), text('draft'), press('up'));
    expect(state.editor.text).toBe('second');
    state = run(state, press('up'), press('up')).state;
    expect(state.editor.text).toBe('first');
    state = run(state, press('down'), press('down')).state;
    expect(state.editor.text).toBe('draft');
    expect(afterSubmit(state, 'third').history).toEqual(['first', 'second', 'third']);
  });

  it('folds a large paste and expands it when sent', () => {
    const big = Array.from({ length: 240 }, (_, i) => `line ${i}`).join('\n');
    const { state, effects } = run(initialPrompt([]), text('look: '), { type: 'paste', text: big }, press('return'));
    expect(state.editor.text).toBe('look: [pasted 240 lines]');
    expect(effects[0]).toMatchObject({ type: 'submit', text: `look: ${big}` });
  });

  it('inserts a small paste as text, newlines included', () => {
    const { state } = run(initialPrompt([]), { type: 'paste', text: 'a\nb' });
    expect(state.editor).toEqual({ text: 'a\nb', cursor: 3 });
  });

  it('reports Tab and Ctrl+D on an empty line to the caller', () => {
    expect(run(initialPrompt([]), press('tab')).effects).toEqual([{ type: 'complete' }]);
    expect(run(initialPrompt([]), press('d', { ctrl: true })).effects).toEqual([{ type: 'eof' }]);
    expect(run(initialPrompt([]), text('x'), press('left'), press('d', { ctrl: true })).state.editor.text).toBe('');
  });
});
