// The headless path job systems use (docs/ci/run-matrix.sh, run by the example CI workflow): one `tandem -p
// --output-format json` per prompt, each run's result and transcript collected.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, TANDEM_BIN, tempDir, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/ci/run-matrix.sh');
const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('docs/ci/run-matrix.sh', () => {
  it('runs each prompt headless and collects its JSON result and transcript', async () => {
    const bin = tempDir('tandem-bin-');
    const out = tempDir('tandem-out-');
    const env = testEnv(t.server.url);
    dirs.push(bin, out, t.cwd, env.TANDEM_HOME!);
    mkdirSync(bin, { recursive: true });
    symlinkSync(TANDEM_BIN, path.join(bin, 'tandem'));
    writeFileSync(path.join(t.cwd, 'prompts.txt'), 'first job\nsecond job\n');
    t.server.enqueue(reply().text('Answer one.'));
    t.server.enqueue(reply().text('Answer two.'));
    const child = spawn('bash', [SCRIPT, 'prompts.txt', out, '--max-turns', '5'], {
      cwd: t.cwd, env: { ...env, PATH: `${bin}:${env.PATH}` } as NodeJS.ProcessEnv,
    });
    const run = await collect(child);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const [n, answer, prompt] of [[1, 'Answer one.', 'first job'], [2, 'Answer two.', 'second job']] as const) {
      const result = JSON.parse(readFileSync(path.join(out, String(n), 'result.json'), 'utf8'));
      expect(result).toMatchObject({ type: 'result', subtype: 'success', result: answer });
      const transcript = readFileSync(path.join(out, String(n), 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(transcript[0]).toMatchObject({ type: 'session', v: 1, id: result.session_id });
      expect(transcript).toContainEqual(expect.objectContaining({ type: 'message', role: 'user', content: [{ type: 'text', text: prompt }] }));
      expect(readFileSync(path.join(out, String(n), 'status'), 'utf8').trim()).toBe('0');
    }
    expect(run.stdout).toMatch(/run 1: exit 0, session [0-9a-f-]{36}\nrun 2: exit 0/);
  });
});
