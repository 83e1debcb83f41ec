// Print mode's JSON result lists the calls that were denied, with the cost in plain decimals.
import { describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

describe('tandem -p --output-format json', () => {
  it('reports permission_denials and total_cost_usd without float noise', async () => {
    t.server.enqueue(reply().tool('bash', { command: 'git push origin main' }, 'toolu_push').usage({ input_tokens: 1686, output_tokens: 3 }));
    t.server.enqueue(reply().text('Could not push.').usage({ input_tokens: 1, output_tokens: 1 }));
    const run = await runTandem(['-p', 'push', '--output-format', 'json', '--model', 'claude-sonnet-4-6'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(3);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      subtype: 'success', is_error: false,
      permission_denials: [{ tool_name: 'Bash', tool_use_id: 'toolu_push', tool_input: { command: 'git push origin main' } }],
    });
    expect(String(out.total_cost_usd)).toMatch(/^0\.\d{1,9}$/);
  });
});
