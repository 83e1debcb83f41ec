// The inverted model: with Bash(git push:*) denied, no wrapper, interpreter or code string gets `git push`
// through. Each probe of the issue, and the rest of the model (inert programs, allow rules, no deny rules).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsUnseenCode } from '../../../src/workspace/permissions/code-runners.js';
import { makePolicy, type PolicyFixture } from './policy-fixture.js';

let f: PolicyFixture;
beforeAll(async () => {
  f = await makePolicy({
    deny: ['Bash(git push:*)'],
    allow: ['Bash(flock:*)', 'Bash(chrt:*)', 'Bash(script:*)', 'Bash(npx:*)', 'Bash(awk:*)', 'Bash(git:*)', 'Bash(sed:*)', 'Bash(python3:*)', 'Bash(ls:*)', 'Bash(cat:*)'],
  });
});
afterAll(() => f.cleanup());

describe('with Bash(git push:*) denied', () => {
  // Where tandem can see the command, it is judged as what it runs: denied outright.
  it.each([
    'flock /tmp/l git push',
    'flock -w 5 /tmp/l -c "git push"',
    'chrt -f 1 git push',
    'taskset -c 0 git push',
    'script -qc "git push"',
    'script -q -c "git push origin main" /dev/null',
    "npx -c 'git push'",
    "npm exec -c 'git push'",
    'git -c alias.p=push p',
    "git -c alias.p='!git push' p",
    "git -c 'alias.p=!sh -c \"git push\"' p",
    'env -- git push',
    'strace -f -o /dev/null git push',
  ])('%s is denied', async (command) => {
    const d = await f.cmd(command);
    expect(d.decision, d.reason).toBe('deny');
    expect(d.reason).toContain('Bash(git push:*)');
  });

  // Where it cannot (code in another language, a program it does not know), the command runs arbitrary code:
  // it needs approval, and no allow rule (Bash(awk:*), Bash(sed:*), Bash(git:*)…) makes it pass.
  it.each([
    `awk 'BEGIN{system("git push")}'`,
    `awk 'BEGIN{print "x" | "sh"}'`,
    "sed -n '1e git push' file",
    "sed 's/.*/git push/e' file",
    'sed -e "1e git push" file',
    'git p',
    'git -c core.pager=sh log',
    'git rebase --exec "git push" main',
    "python3 -c 'import os; os.system(\"git push\")'",
    'perl -e \'system("git push")\'',
    'node -e \'require("child_process").execSync("git push")\'',
    './deploy.sh',
    'make deploy',
    'npm run release',
    'unknown-wrapper git push',
    'nsenter -t 1 git push',
    'env -S "git push"',
    'bash script.sh',
    'tar -xf a.tar --to-command="git push"',
  ])('%s needs approval', async (command) => {
    const d = await f.cmd(command);
    expect(d.decision, d.reason).not.toBe('allow');
    expect(d.reason).toMatch(/runs arbitrary code|might match deny rule/);
  });

  it('inert programs and plain git commands are judged by their own words', async () => {
    for (const command of ['ls -la', 'cat README.md', "awk '{print $1}' f", "sed -n '1,5p' f", 'git status', 'git log --oneline', "sed 's/a/b/g' f"]) {
      const d = await f.cmd(command);
      expect(d.decision, `${command}: ${d.reason}`).toBe('allow');
    }
    expect((await f.cmd('git push origin main')).decision).toBe('deny');
  });

  it('in print mode a command that runs arbitrary code is denied, with the reason', async () => {
    const p = await makePolicy({ deny: ['Bash(git push:*)'], allow: ['Bash(make:*)'], nonInteractive: true });
    try {
      const d = await p.cmd('make deploy');
      expect(d.decision).toBe('deny');
      expect(d.reason).toContain('runs arbitrary code');
      expect(d.reason).toContain('deny rule Bash(git push:*)');
    } finally {
      await p.cleanup();
    }
  });
});

describe('without deny or ask rules', () => {
  it('allow rules work as before: the user vouched for the program', async () => {
    const p = await makePolicy({ allow: ['Bash(make:*)', 'Bash(python3:*)'] });
    try {
      expect((await p.cmd('make test')).decision).toBe('allow');
      expect((await p.cmd("python3 -c 'print(1)'")).decision).toBe('allow');
      expect((await p.cmd('cargo build')).decision).toBe('ask');
    } finally {
      await p.cleanup();
    }
  });
});

describe('runsUnseenCode', () => {
  it('names why a program may run unseen code, and is silent for inert ones and carriers', () => {
    expect(runsUnseenCode(['ls', '-la'])).toBeUndefined();
    expect(runsUnseenCode(['sudo', 'ls'])).toBeUndefined(); // a carrier: its command is judged on its own
    expect(runsUnseenCode(['git', 'status'])).toBeUndefined();
    expect(runsUnseenCode(['git', 'p'])).toMatch(/alias/);
    expect(runsUnseenCode(['python3', 'x.py'])).toMatch(/runs code/);
    expect(runsUnseenCode(['cargo', 'build'])).toMatch(/not known to be inert/);
    expect(runsUnseenCode(['./x'])).toMatch(/does not know/);
  });
});

describe('bare rules are shown as what they are', () => {
  it('a bare Bash or Edit allow rule "allows every command" / "every file write"; narrow ones carry no note', async () => {
    const p = await makePolicy({ allow: ['Bash', 'Edit', 'Bash(*)', 'Bash(ls:*)', 'Edit(src/**)'], deny: ['Read'] });
    try {
      const notes = Object.fromEntries(p.policy.describeRules().map((r) => [`${r.kind} ${r.rule}`, r.note]));
      expect(notes).toMatchObject({
        'allow Bash': 'allows every command',
        'allow Bash(*)': 'allows every command',
        'allow Edit': 'allows every file write',
        'deny Read': 'denies reading every file',
      });
      expect(notes['allow Bash(ls:*)']).toBeUndefined();
      expect(notes['allow Edit(src/**)']).toBeUndefined();
    } finally {
      await p.cleanup();
    }
  });
});
