// Makes docs/ui.png: a scripted session in a tmux pane, captured with its colours and rendered to PNG with
// aha and headless Chromium (apt-get install aha chromium fonts-dejavu-core).
//   npm run build && npx tsx test/e2e-terminal/ui-picture.ts [docs/ui.png]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tempDir } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { openUi } from './session.js';

const COLS = 100;
const ROWS = 44;
const out = path.resolve(process.argv[2] ?? 'docs/ui.png');

const cwd = tempDir('demo-');
mkdirSync(path.join(cwd, 'src'));
writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({
  name: 'demo', scripts: { test: 'sleep 6 && echo "Tests  42 passed (42)"', dev: 'node src/server.js' },
}, null, 2));
writeFileSync(path.join(cwd, 'src/server.js'), "let n = 0; setInterval(() => console.log('GET /health 200 ' + (++n)), 500);\n");
writeFileSync(path.join(cwd, 'src/cli.js'), [
  'const args = process.argv.slice(2);',
  "const options = { quiet: args.includes('--quiet') };",
  '',
  "if (!options.quiet) console.log('starting');",
  '',
].join('\n'));

const answer = "Added `--verbose` to **src/cli.js**:\n\n```js\nconst options = {\n  quiet: args.includes('--quiet'),\n"
  + "  verbose: args.includes('--verbose'),\n};\n```\n\n- the dev server keeps running as task **b1**\n"
  + '- I will report the test results when **b2** ends';
const ui = await openUi({
  cwd, cols: COLS, rows: ROWS,
  args: ['--permission-mode', 'acceptEdits', '--allow', 'Bash(npm:*)', '--allow', 'Bash(node:*)'],
  replies: [
    reply().text("I'll start the dev server and the test suite in the background, then make the change.")
      .tool('background_run', { command: 'npm run dev', description: 'dev server' })
      .tool('background_run', { command: 'npm test', description: 'test suite' }),
    reply().text('Both are running. Now the flag:').tool('edit_file', {
      path: 'src/cli.js',
      old_text: "const options = { quiet: args.includes('--quiet') };",
      new_text: "const options = {\n  quiet: args.includes('--quiet'),\n  verbose: args.includes('--verbose'),\n};",
    }),
    reply().tool('bash', { command: 'node src/cli.js --verbose && node src/cli.js --quiet; echo exit=$?' }),
    reply().text(answer).chunkDelayMs(15),
    reply().text('The test suite finished: **42 passed**. The dev server is still up on b1.').chunkDelayMs(10),
    reply().text('Running them in the foreground.').tool('bash', { command: 'npm test', description: 'run the test suite' })
      .usage({ input_tokens: 2400, output_tokens: 380, cache_read_input_tokens: 21000 }),
  ],
});
try {
  ui.term.type('add a --verbose flag to src/cli.js; keep the dev server and tests running');
  ui.term.press('Enter');
  await ui.term.waitFor('The test suite finished', 30_000);
  ui.term.type('run the tests once more, in the foreground');
  ui.term.press('Enter');
  await ui.term.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] bash run the test suite 2\.\ds/, 15_000);
  const draft = 'then log each request when @src/cli.js gets --verbose';
  ui.term.type(draft);
  await ui.term.waitFor(draft);
  const dir = tempDir('ui-picture-');
  writeFileSync(path.join(dir, 'screen.ansi'), ui.term.screenAnsi());
  const body = execFileSync('aha', ['--black', '--no-header', '-f', path.join(dir, 'screen.ansi')], { encoding: 'utf8' });
  writeFileSync(path.join(dir, 'page.html'), `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;background:#1e1e1e}
pre{margin:0;padding:14px 16px;font-family:'DejaVu Sans Mono',monospace;font-size:14px;line-height:18px;color:#d4d4d4}
</style></head><body><pre>${body}</pre></body></html>`);
  execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${out}`,
    `--window-size=${Math.ceil(COLS * 8.5 + 34)},${ROWS * 18 + 28}`, `file://${path.join(dir, 'page.html')}`,
  ], { stdio: 'ignore', env: { ...process.env, HOME: os.tmpdir() } });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await ui.close();
}
