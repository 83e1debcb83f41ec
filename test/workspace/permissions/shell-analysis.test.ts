import { describe, expect, it } from 'vitest';
import { type ShellPart, analyzeCommand } from '../../../src/workspace/permissions/shell-analysis.js';

const ctx = { cwd: '/ws', home: '/home/me' };
const analyze = async (command: string, cwd = '/ws') => {
  const r = await analyzeCommand(command, { ...ctx, cwd });
  if (!r.ok) throw new Error(r.error);
  return r.parts;
};
const show = (parts: ShellPart[]) =>
  parts.map((p) => (p.kind === 'command'
    ? `${p.via ? `[${p.via}] ` : ''}${[...p.assigns, ...p.argv].map((a) => (typeof a === 'string' ? a : `<${a.text}>`)).join(' ')}`
    : `${p.kind} ${p.path ?? `<${typeof p.target === 'string' ? p.target : p.target.text}>`}`));

describe('analyzeCommand', () => {
  it('removes quotes and escapes the way bash does', async () => {
    expect(show(await analyze(`g'i't "pu"sh \\-\\-force $'a\\tb' "a\\$b\\x" ~/x '~/y'`))).toEqual([
      'git push --force a\tb a$b\\x /home/me/x ~/y',
    ]);
  });

  it('lists commands in source order through every construct', async () => {
    const parts = await analyze('a; b && c || d | e; (f); { g; }; h $(i) `j` <(k) >(l); if m; then n; elif o; then p; else q; fi; while r; do s; done; for t in u; do v; done; case w in x) y;; esac; z() { aa; }');
    expect(show(parts)).toEqual([
      'a', 'b', 'c', 'd', 'e', 'f', 'g', 'i', 'j', 'k', 'l', 'h <$(i)> <`j`> <<(k)> <>(l)>',
      'm', 'n', 'o', 'p', 'q', 'r', 's', 'v', 'y', 'aa',
    ]);
  });

  it('unwraps carriers', async () => {
    expect(show(await analyze('sudo -u bob env A=1 timeout -k 1 5 nice -n 2 nohup git push'))).toEqual([
      'sudo -u bob env A=1 timeout -k 1 5 nice -n 2 nohup git push',
      '[nohup] A=1 git push',
    ]);
    expect(show(await analyze('find . -name x -exec rm -f {} \\; -execdir touch y +'))).toEqual([
      'find . -name x -exec rm -f {} ; -execdir touch y +',
      '[find -exec] rm -f {}',
      '[find -exec] touch y',
    ]);
    expect(show(await analyze('xargs -0 -n 1 grep -l foo'))).toEqual(['[xargs] grep -l foo <<arguments from stdin>>']);
    expect(show(await analyze('xargs'))).toEqual(['[xargs] echo <<arguments from stdin>>']);
    expect(show(await analyze("bash -e -o pipefail -c 'a | b' name arg"))).toEqual(['[bash -c] a', '[bash -c] b']);
    expect(show(await analyze('bash script.sh'))).toEqual(['bash script.sh']);
    expect(show(await analyze('env -S "a b" c'))).toEqual(['[env] -S a b c']);
    expect(show(await analyze('command -v git'))).toEqual(['command -v git']);
    expect(show(await analyze('exec 3>log'))).toEqual(['write /ws/log']);
    expect(show(await analyze('sudo -e /etc/hosts'))).toEqual(['sudo -e /etc/hosts', 'write /etc/hosts']);
    expect(show(await analyze("bash <<'EOF'\na | b\nEOF"))).toEqual(['[bash (script on stdin)] a', '[bash (script on stdin)] b']);
    expect(show(await analyze('curl x | sh'))).toEqual(['curl x', '[sh (script on stdin)] <<script from standard input>>']);
  });

  it('lists redirection targets resolved against the cwd, and skips devices and fd duplications', async () => {
    expect(show(await analyze('a > out 2>>err <in &>all 2>&1 >/dev/null <&0 >&- 3<>rw', '/ws/sub'))).toEqual([
      'a', 'write /ws/sub/out', 'write /ws/sub/err', 'read /ws/sub/in', 'write /ws/sub/all', 'write /ws/sub/rw',
    ]);
    expect(show(await analyze('a <<EOF\nx\nEOF\na <<< "s"'))).toEqual(['a', 'a']);
  });

  it('tracks cd and forgets the directory when it cannot be known', async () => {
    expect(show(await analyze('cd sub && a > x; b > y'))).toEqual(['cd sub', 'a', 'write /ws/sub/x', 'b', 'write <y>']);
    expect(show(await analyze('cd /tmp; a > x'))).toEqual(['cd /tmp', 'a', 'write /tmp/x']);
    expect(show(await analyze('cd; a > x'))).toEqual(['cd', 'a', 'write /home/me/x']);
    expect(show(await analyze('(cd /tmp); a > x'))).toEqual(['cd /tmp', 'a', 'write /ws/x']);
    expect(show(await analyze('cd $D; a > x'))).toEqual(['cd <$D>', 'a', 'write <x>']);
    expect(show(await analyze('source env.sh; a > x'))).toEqual(['source env.sh', 'a', 'write <x>']);
    expect(show(await analyze('eval "cd /tmp"; a > x'))).toEqual(['[eval] cd /tmp', 'a', 'write /tmp/x']);
    expect(show(await analyze('f() { cd /; }; f; a > x'))).toEqual(['cd /', 'f', 'a', 'write <x>']);
  });

  it('reports a parse error instead of parts', async () => {
    expect(await analyzeCommand('a &&', ctx)).toEqual({ ok: false, error: expect.stringContaining('must be followed') });
  });
});
