// Per-test wiring to the scripted model server: a fresh server (and workspace folder) for each test, and the
// real Anthropic provider pointed at it.
import { afterEach, beforeEach } from 'vitest';
import type { Model } from '../../src/core/types.js';
import { createAnthropicModel, type AnthropicModelOptions } from '../../src/providers/anthropic.js';
import { tempDir } from './cli.js';
import { startModelServer, type ModelServer } from './model-server.js';

/** What a test sees: both are new for each test. */
export interface ScriptedServerContext {
  readonly server: ModelServer;
  /** A fresh temp folder (real path), made on first use in the test. */
  readonly cwd: string;
}

/** Starts a scripted model server before each test of the calling file (or describe block) and closes it after. */
export function useScriptedServer(): ScriptedServerContext {
  let server: ModelServer | undefined;
  let cwd: string | undefined;
  beforeEach(async () => {
    server = await startModelServer();
    cwd = undefined;
  });
  afterEach(async () => { await server?.close(); });
  return {
    get server() {
      if (!server) throw new Error('useScriptedServer: the server exists only inside a test');
      return server;
    },
    get cwd() {
      return (cwd ??= tempDir());
    },
  };
}

/** The Anthropic provider talking to `server`, retrying after a millisecond or so. */
export function modelFor(server: ModelServer, options: Partial<AnthropicModelOptions> = {}): Model {
  return createAnthropicModel({
    model: 'claude-test', apiKey: 'sk-test', baseURL: server.url, baseDelayMs: 1, maxDelayMs: 5, ...options,
  });
}
