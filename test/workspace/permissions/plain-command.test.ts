// The parser-free path for plain commands must read them exactly as the parser's walk does.
import { describe, expect, it } from 'vitest';
import { analyzeWith, plainCommand } from '../../../src/workspace/permissions/shell-analysis.js';
import { loadShellParser } from '../../../src/workspace/permissions/shell-parser.js';

const ctx = { cwd: '/ws', home: '/home/me' };

describe('plain commands', () => {
  it.each([
    'npm test', 'ls -la src', 'git status', 'echo step 3', 'npm run build -- --watch=false', 'git log --oneline -n 5',
    'cd src', 'pwd', 'node scripts/build.mjs', 'python3 -m pytest tests/unit', 'git push origin main', 'rm -rf dist',
    'cargo test --release', 'make -j4', 'npx tsc --noEmit', 'curl http://localhost:3000/api', 'a@b c%d e+f g,h',
  ])('reads %j as the parser does', async (command) => {
    const parsed = analyzeWith(await loadShellParser(), command, ctx);
    expect(parsed.ok).toBe(true);
    expect(plainCommand(command)).toEqual(parsed.ok ? parsed.parts[0] : undefined);
    expect(parsed.ok && parsed.parts).toHaveLength(1);
  });

  it.each([
    'git status; git push', 'echo $(git push)', 'echo `git push`', "g'i't push", '"git" push', '\\git push',
    'echo x > out.txt', 'cat x | git push', 'sudo git push', 'env X=1 git push', 'xargs git push', 'bash -c ls',
    'nohup server', 'timeout 5 npm test', 'X=1 npm test', 'ls *.ts', 'ls ~/x', 'if true', 'echo a # comment',
    'find . -delete', 'eval ls', 'exec ls', 'time npm test', 'a && b', 'echo {a,b}', 'ls\ngit push',
  ])('leaves %j to the parser', (command) => {
    expect(plainCommand(command)).toBeUndefined();
  });
});
