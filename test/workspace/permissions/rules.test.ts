import { describe, expect, it } from 'vitest';
import { RuleSyntaxError, compilePathGlob, matchCommand, parseCommandPattern, parseRule } from '../../../src/workspace/permissions/rules.js';
import { type Arg, dynamic } from '../../../src/workspace/permissions/shell-words.js';

describe('parseRule', () => {
  it('reads tool names with and without specifiers', () => {
    expect(parseRule('Bash')).toEqual({ text: 'Bash', tool: 'Bash' });
    expect(parseRule(' Edit(src/**) ')).toEqual({ text: 'Edit(src/**)', tool: 'Edit', pathGlob: 'src/**' });
    expect(parseRule('Write(docs/*.md)').tool).toBe('Edit');
    expect(parseRule('Read(.env)').pathGlob).toBe('.env');
    expect(parseRule('Bash(npm test:*)').command?.prefix).toBe(true);
  });

  it('accepts unknown tools (they never match)', () => {
    for (const r of ['WebFetch', 'WebFetch(domain:example.com)', 'mcp__github__create_issue', 'NotebookEdit(x.ipynb)']) {
      expect(() => parseRule(r), r).not.toThrow();
    }
  });

  it('rejects malformed parentheses and empty rules with a message that says what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['Bash(npm test', /missing its closing parenthesis/],
      ['Bash)', /without a matching "\("/],
      ['Bash(a)(b)', /unbalanced parentheses/],
      ['Bash((a)', /unbalanced parentheses/],
      ['Bash()', /empty parentheses/],
      ['', /empty rule/],
      ['(ls)', /does not start with a tool name/],
      ['Bash(echo "unterminated)', /unterminated " quote/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseRule(text), text).toThrow(RuleSyntaxError);
      expect(() => parseRule(text), text).toThrow(message);
    }
    expect(() => parseRule('Bash(echo ")")')).not.toThrow();
  });
});

describe('matchCommand', () => {
  const m = (spec: string, words: Arg[], how: 'certain' | 'possible' = 'certain') => matchCommand(parseCommandPattern(spec), words, how);
  const X = dynamic('$X');

  it('exact, prefix and glob patterns', () => {
    expect(m('npm test', ['npm', 'test'])).toBe(true);
    expect(m('npm test', ['npm', 'test', '-w'])).toBe(false);
    expect(m('npm test:*', ['npm', 'test'])).toBe(true);
    expect(m('npm test:*', ['npm', 'testing'])).toBe(false);
    expect(m('npm test *', ['npm', 'test', 'a', 'b'])).toBe(true);
    expect(m('git * main', ['git', 'push', 'origin', 'main'])).toBe(true);
    expect(m('git * main', ['git', 'main'])).toBe(true);
    expect(m('git push origin feature/*', ['git', 'push', 'origin', 'feature/x'])).toBe(true);
    expect(m('git push origin feature/*', ['git', 'push', 'origin', 'main'])).toBe(false);
    expect(m('git commit -m "fix bug"', ['git', 'commit', '-m', 'fix bug'])).toBe(true);
    expect(m("echo '*'", ['echo', '*'])).toBe(true);
    expect(m("echo '*'", ['echo', 'x'])).toBe(false);
  });

  it('a dynamic word is covered only by a wildcard for certain, and may be anything for possible', () => {
    expect(m('git push:*', ['git', 'push', X])).toBe(true);
    expect(m('git push', ['git', 'push', X])).toBe(false);
    expect(m('git push', [X, 'push'])).toBe(false);
    expect(m('git push', [X, 'push'], 'possible')).toBe(true);
    expect(m('git push --force:*', ['git', 'push', X], 'possible')).toBe(true);
    expect(m('git push --force:*', ['git', 'pull', X], 'possible')).toBe(false);
    expect(m('git push', ['git', 'push', X], 'possible')).toBe(true); // $X may be empty
    expect(m('rm -rf /', [X], 'possible')).toBe(true); // $X may split into several words
  });
});

describe('compilePathGlob', () => {
  const ctx = { root: '/ws', home: '/home/me' };
  const test = (glob: string, p: string) => compilePathGlob(glob, ctx)(p);

  it('anchors relative globs at the workspace root', () => {
    expect(test('src/**', '/ws/src/a/b.ts')).toBe(true);
    expect(test('src/**', '/ws/lib/src/a.ts')).toBe(false);
    expect(test('./out.txt', '/ws/out.txt')).toBe(true);
    expect(test('./out.txt', '/ws/sub/out.txt')).toBe(false);
  });

  it('matches a bare name at any depth, and a folder name covers its contents', () => {
    expect(test('.env', '/ws/.env')).toBe(true);
    expect(test('.env', '/ws/a/b/.env')).toBe(true);
    expect(test('.env', '/other/.env')).toBe(false);
    expect(test('*.pem', '/ws/keys/server.pem')).toBe(true);
    expect(test('secrets', '/ws/secrets/a/b')).toBe(true);
    expect(test('src', '/ws/src/x.ts')).toBe(true);
  });

  it('reads //, / and ~/ globs as absolute and home paths', () => {
    expect(test('//etc/**', '/etc/passwd')).toBe(true);
    expect(test('/etc/hosts', '/etc/hosts')).toBe(true);
    expect(test('~/.npmrc', '/home/me/.npmrc')).toBe(true);
    expect(test('~/.ssh/', '/home/me/.ssh/id_rsa')).toBe(true);
    expect(test('../shared/**', '/shared/x')).toBe(true);
  });

  it('treats glob characters in the root literally', () => {
    expect(compilePathGlob('src/**', { root: '/w[s]', home: '/h' })('/w[s]/src/a')).toBe(true);
    expect(compilePathGlob('src/**', { root: '/w[s]', home: '/h' })('/ws/src/a')).toBe(false);
  });
});
