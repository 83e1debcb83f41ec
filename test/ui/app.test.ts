// The whole UI (controller + App) on a real runtime against the scripted model server, rendered with
// ink-testing-library: no terminal, but every key goes through the same decoding as in one.
import { createElement as h } from 'react';
import { cleanup, render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/cli/config.js';
import { createRuntime, type Runtime } from '../../src/session/runtime.js';
import { App } from '../../src/cli/ui/app.js';
import { UiController } from '../../src/cli/ui/controller.js';
import { reply, startModelServer, type ModelServer } from '../support/model-server.js';
import { tempDir } from '../support/cli.js';

let server: ModelServer;
let rt: Runtime;
let ui: UiController;

beforeEach(async () => {
  server = await startModelServer();
  const cwd = tempDir();
  const env = { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: server.url, TANDEM_HOME: tempDir('tandem-home-'), ANTHROPIC_MODEL: 'claude-sonnet-4-6' };
  rt = await createRuntime(resolveConfig({ cwd }, env, tempDir()), { version: 'test', interactive: true, log: () => {} });
  ui = new UiController(rt, { columns: () => 100 });
});

afterEach(async () => {
  cleanup();
  ui.stop();
  await rt.shutdown();
  await server.close();
});

function mount() {
  const app = render(h(App, { controller: ui }));
  ui.start();
  const screen = () => stripAnsi(app.lastFrame() ?? '');
  const waitFor = async (test: string | RegExp, timeoutMs = 10_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = screen();
      if (typeof test === 'string' ? s.includes(test) : test.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; the screen was:\n${s}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { app, screen, waitFor };
}

describe('terminal UI (controller + App)', () => {
  it('sends a prompt typed into the input and shows the answer', async () => {
    server.enqueue(reply().text('Hi **there**.'));
    const { app, waitFor } = mount();
    app.stdin.write('hello');
    await waitFor('› hello');
    app.stdin.write('\r');
    await waitFor('Hi there.');
    expect(JSON.stringify(server.requests[0]!.body)).toContain('hello');
  });

  it('batches a fast text stream into few renders and keeps keystrokes immediate', async () => {
    const r = reply();
    for (let i = 0; i < 1500; i++) r.text(`w${i} `);
    server.enqueue(r.text('END-OF-STREAM'));
    const { app, waitFor } = mount();
    app.stdin.write('go\r');
    await waitFor(/w\d+ /);
    const framesBefore = app.frames.length;
    app.stdin.write('typed-while-streaming');
    await waitFor('› typed-while-streaming');
    expect(app.frames.length - framesBefore).toBeLessThan(20);
    await waitFor('END-OF-STREAM');
    // 4500 text deltas arrived; renders are batched (one per ~50 ms) instead of one per delta.
    expect(app.frames.length).toBeLessThan(400);
  });

  it('queues a prompt typed while the agent works and runs it next', async () => {
    server.enqueue(reply().text('first answer').chunkDelayMs(150), reply().text('second answer'));
    const { app, waitFor } = mount();
    app.stdin.write('one\r');
    await waitFor('› one');
    app.stdin.write('two\r');
    await waitFor('queued: two');
    await waitFor('second answer');
    expect(server.requests).toHaveLength(2);
  });

  it('completes slash commands with Tab and lists the candidates', async () => {
    const { app, waitFor } = mount();
    app.stdin.write('/c');
    app.stdin.write('\t');
    await waitFor('/clear  /compact  /cost');
    app.stdin.write('os\t');
    await waitFor(/^› \/cost\s*$/m);
  });

  it('opens the task list with Ctrl+T and closes it with Esc', async () => {
    const { app, waitFor, screen } = mount();
    app.stdin.write('\x14');
    await waitFor('No background tasks.');
    app.stdin.write('\x1b');
    await waitFor(/^›/m);
    expect(screen()).not.toContain('Background tasks');
  });

  it('/model switches the model for the next request and the status line shows it', async () => {
    server.enqueue(reply().text('answered by opus'));
    const { app, waitFor } = mount();
    app.stdin.write('/model claude-opus-4-5\r');
    await waitFor('Model: claude-opus-4-5 on Anthropic (from the next request on).');
    await waitFor(/^claude-opus-4-5 · ctx/m);
    app.stdin.write('hi\r');
    await waitFor('answered by opus');
    expect((server.requests[0]!.body as { model: string }).model).toBe('claude-opus-4-5');
  });
});
