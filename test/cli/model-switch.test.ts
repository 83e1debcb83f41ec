// End-to-end: /model switches provider mid-session in the REPL (the UI runs the same slash command); the
// conversation carries over, and reasoning a provider cannot take stays out of its requests.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { startTandem, testEnv, watch } from '../support/cli.js';
import { reply, withoutCacheControl } from '../support/model-server.js';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
let openai: OpenAIServer | undefined;
afterEach(async () => { await openai?.close(); openai = undefined; });

describe('/model across providers', () => {
  it('moves the conversation from Anthropic to OpenAI and back, each request valid for its API', async () => {
    openai = await startOpenAIServer();
    const env = testEnv(t.server.url, { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: openai.url });
    const w = watch(startTandem(['--permission-mode', 'bypassPermissions'], { cwd: t.cwd, env }));
    let from = 0;
    const send = (line: string) => { from = w.stdout.length; w.child.stdin!.write(`${line}\n`); };
    const expectOut = (re: RegExp) => w.waitFor(re, { from });
    await expectOut(/tandem> /);

    t.server.enqueue(reply().thinking('claude thinks', 'sig-claude').text('Claude here.'));
    send('first');
    await expectOut(/Claude here\./);

    send('/model openai/gpt-5.1');
    await expectOut(/Model: gpt-5\.1 on OpenAI \(from the next request on\)\./);
    openai.enqueue(reply().thinking('gpt reasons', 'sig-gpt').tool('bash', { command: 'echo hi' }, 'call_x'), reply().text('GPT here.'));
    send('second');
    await expectOut(/GPT here\./);
    const gptInput = (openai.calls[0]!.body as unknown as { input: Record<string, unknown>[] }).input;
    expect(gptInput.slice(0, 3)).toEqual([
      { role: 'user', content: [{ type: 'input_text', text: 'first' }] },
      { role: 'assistant', content: 'Claude here.' },
      { role: 'user', content: [{ type: 'input_text', text: 'second' }] },
    ]);
    expect(JSON.stringify(gptInput)).not.toContain('sig-claude');

    send('/model anthropic/claude-sonnet-4-6');
    await expectOut(/Model: claude-sonnet-4-6 on Anthropic/);
    t.server.enqueue(reply().text('Claude again.'));
    send('third');
    await expectOut(/Claude again\./);
    const messages = withoutCacheControl(t.server.requests.at(-1)!.body.messages as Message[]);
    // Claude's own thinking goes back to Claude; GPT's encrypted reasoning does not.
    expect(JSON.stringify(messages)).toContain('sig-claude');
    expect(JSON.stringify(messages)).not.toContain('sig-gpt');
    expect(JSON.stringify(messages)).toContain('GPT here.');
    expect(messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'third' }] });

    send('/cost');
    await expectOut(/openai\/gpt-5\.1: .* = \$/);
    send('exit');
    expect((await w.done).code).toBe(0);
  });

  it('refuses a switch to a provider without a key, keeping the model', async () => {
    const w = watch(startTandem([], { cwd: t.cwd, env: testEnv(t.server.url) }));
    await w.waitFor(/tandem> /);
    const from = w.stdout.length;
    w.child.stdin!.write('/model openai/gpt-5.1\n');
    await w.waitFor(/Model unchanged: No API key for OpenAI: set OPENAI_API_KEY/, { from });
    w.child.stdin!.end();
    expect((await w.done).code).toBe(0);
  });
});
