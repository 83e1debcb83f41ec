// grep, glob and ls through the built binary: offered to the model, run without approval in default mode
// (they only read the workspace), and answered with the workspace's files, .gitignore respected.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

describe('search tools in tandem -p', () => {
  it.each([['ripgrep', undefined], ['javascript', '0']])('grep, glob and ls answer without approval (%s)', async (_name, rgSetting) => {
    mkdirSync(path.join(t.cwd, 'src'));
    writeFileSync(path.join(t.cwd, '.gitignore'), 'build/\n');
    mkdirSync(path.join(t.cwd, 'build'));
    writeFileSync(path.join(t.cwd, 'build', 'x.js'), 'needle in build\n');
    writeFileSync(path.join(t.cwd, 'src', 'main.ts'), 'const needle = 1;\n');
    t.server.enqueue(reply()
      .tool('grep', { pattern: 'needle' }, 'toolu_grep')
      .tool('glob', { pattern: '**/*.ts' }, 'toolu_glob')
      .tool('ls', {}, 'toolu_ls'));
    t.server.enqueue(reply().text('Found it.'));
    const run = await runTandem(['-p', 'where is needle?'], { cwd: t.cwd, env: testEnv(t.server.url, { TANDEM_RIPGREP: rgSetting }) });
    expect(run.stderr).not.toMatch(/denied|approval/i);
    expect(run.code).toBe(0);
    const first = t.server.requests[0]!.body as unknown as { tools: { name: string }[] };
    expect(first.tools.map((x) => x.name)).toEqual(expect.arrayContaining(['grep', 'glob', 'ls']));
    const results = toolResultsOf(t.server.requests[1]!);
    expect(results.toolu_grep).toEqual({ text: 'src/main.ts\n1: const needle = 1;\n[1 matching line in 1 file]', isError: false });
    expect(results.toolu_glob).toEqual({ text: 'src/main.ts\n[1 file]', isError: false });
    expect(results.toolu_ls).toEqual({ text: '.gitignore\nsrc/\n[ignored by .gitignore, not listed: build/]', isError: false });
  });
});
