import chalk from 'chalk';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown, splitFinishedBlocks } from '../../src/cli/ui/markdown.js';
import { applyColorPreference, stripColors } from '../../src/cli/ui/theme.js';

describe('splitFinishedBlocks', () => {
  it('cuts after the last blank line, never inside a code fence or a half-written line', () => {
    expect(splitFinishedBlocks('one\n\ntwo')).toEqual({ done: 'one\n\n', rest: 'two' });
    expect(splitFinishedBlocks('one\n\n```js\na\n\nb\n')).toEqual({ done: 'one\n\n', rest: '```js\na\n\nb\n' });
    expect(splitFinishedBlocks('```js\na\n\nb\n```\ntail')).toEqual({ done: '```js\na\n\nb\n```\n', rest: 'tail' });
    expect(splitFinishedBlocks('no newline yet')).toEqual({ done: '', rest: 'no newline yet' });
    expect(splitFinishedBlocks('\n\nfirst')).toEqual({ done: '\n\n', rest: 'first' });
  });
});

describe('renderMarkdown', () => {
  const level = chalk.level;
  afterEach(() => {
    chalk.level = level;
    applyColorPreference({});
  });

  it('renders headings, emphasis in list items, code and tables', () => {
    chalk.level = 1;
    const out = renderMarkdown('# Title\n\n- item **bold**\n\n```js\nconst x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', 60);
    const plain = stripAnsi(out);
    expect(plain).toContain('Title');
    expect(plain).toContain('item bold');
    expect(plain).not.toContain('**');
    expect(plain).toContain('const x = 1;');
    expect(plain).toMatch(/│ a +│ b +│/);
    expect(out).toContain('\x1b[1m');
  });

  it('has no colour codes when the terminal has no colour', () => {
    chalk.level = 0;
    expect(renderMarkdown('**bold** and `code`')).toBe('bold and code');
  });

  it('keeps bold but drops colours under NO_COLOR', () => {
    chalk.level = 2;
    applyColorPreference({ NO_COLOR: '1' });
    const out = renderMarkdown('**bold** and `code`\n\n```js\nconst x = 1;\n```');
    expect(out).toContain('\x1b[1mbold');
    expect(out).not.toMatch(/\x1b\[(3\d|9\d|38;)/);
  });

  it('stripColors keeps styles and drops colour parameters', () => {
    expect(stripColors('\x1b[1;31mx\x1b[39;22m \x1b[38;5;200my\x1b[0m \x1b[48;2;1;2;3;4mz')).toBe('\x1b[1mx\x1b[22m y\x1b[0m \x1b[4mz');
  });
});
