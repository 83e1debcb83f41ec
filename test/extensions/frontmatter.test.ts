// Front matter: simple `key: value` blocks read directly, everything else through the YAML parser, same result.
import { describe, expect, it } from 'vitest';
import { listField, parseFrontMatter, stringField } from '../../src/extensions/frontmatter.js';
import { splitArguments, substituteArguments } from '../../src/extensions/commands/expand.js';

describe('front matter', () => {
  it('reads simple keys, quoted values and comma lists', async () => {
    const f = await parseFrontMatter('---\ndescription: Review code\nargument-hint: "[path] [focus]"\n# a comment\nallowed-tools: Bash(git diff:*, git log:*), Read\n---\nBody $1\n');
    expect(f.error).toBeUndefined();
    expect(stringField(f.data, 'description')).toBe('Review code');
    expect(stringField(f.data, 'argument-hint')).toBe('[path] [focus]');
    expect(listField(f.data, 'allowed-tools')).toEqual(['Bash(git diff:*, git log:*)', 'Read']);
    expect(f.body).toBe('Body $1\n');
  });

  it('hands lists and block scalars to the YAML parser', async () => {
    const f = await parseFrontMatter('---\nname: pdf\ndescription: >\n  Fills PDF forms.\n  Use for PDFs.\nallowed-tools:\n  - Read\n  - Bash(python:*)\n---\nSteps');
    expect(stringField(f.data, 'description')).toBe('Fills PDF forms. Use for PDFs.');
    expect(listField(f.data, 'allowed-tools')).toEqual(['Read', 'Bash(python:*)']);
  });

  it('reports invalid YAML and keeps the body', async () => {
    const f = await parseFrontMatter('---\ndescription: [unclosed\n---\nStill here');
    expect(f.error).toMatch(/invalid front matter/);
    expect(f.body).toBe('Still here');
  });

  it('a file without front matter is all body', async () => {
    expect(await parseFrontMatter('Just do it.\n')).toEqual({ data: {}, body: 'Just do it.\n' });
  });
});

describe('command arguments', () => {
  it('replaces $ARGUMENTS and $1…, quotes grouping words; unused arguments are appended', () => {
    expect(splitArguments(`src "two words" 'x y'`)).toEqual(['src', 'two words', 'x y']);
    expect(substituteArguments('Fix $1 with $2; all: $ARGUMENTS; none: $3.', 'a.ts "be careful"')).toBe('Fix a.ts with be careful; all: a.ts "be careful"; none: .');
    expect(substituteArguments('Summarise.', 'last week')).toBe('Summarise.\n\nARGUMENTS: last week');
    expect(substituteArguments('Summarise.', '')).toBe('Summarise.');
  });
});
