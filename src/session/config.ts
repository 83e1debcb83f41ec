// What a session is opened with, resolved: the CLI builds it from flags, the environment and .env files
// (src/cli/config.ts); the library API from createSession's options.
import type { ModelsConfig } from '../providers/registry.js';
import type { ModelTarget } from '../providers/target.js';
import type { Mode } from '../workspace/permissions/types.js';

export const DEFAULT_MODEL = 'claude-sonnet-4-6';

export type NotifyMode = 'wake' | 'next-turn';

export interface SessionConfig {
  cwd: string;
  /** The model as sessions record it: "openai/gpt-5.1", or a bare Anthropic id. */
  model: string;
  /** Provider, model id, endpoint and key of the model in use. */
  target: ModelTarget;
  /** Built-in and configured providers and models (the models file). */
  models: ModelsConfig;
  /** The environment this was resolved from; /model resolves other providers' keys from it. */
  env: NodeJS.ProcessEnv;
  /** A response stream silent this long is cut and retried (TANDEM_STREAM_TIMEOUT, seconds; default 120). */
  streamTimeoutMs?: number;
  apiKey?: string;
  authToken?: string;
  baseURL?: string;
  maxTurns?: number;
  maxTokens: number;
  /** Retries of a failed model request (429, 5xx, overloaded, broken streams). */
  maxRetries: number;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  /** A task ending while the agent is idle wakes it ('wake') or waits for the next prompt. */
  notify: NotifyMode;
  maxTasks: number;
  /** Where tandem keeps its own state (task registry, history). */
  home: string;
  /** Tokens of context the model takes; default from the model's known window. */
  contextWindow?: number;
  /** Fraction of the context window at which the conversation is compacted. */
  compactThreshold: number;
  permissionMode?: Mode;
  allow: string[];
  deny: string[];
  /** Used when the model's requests fail as overloaded or unavailable (--fallback-model). */
  fallbackModel?: string;
  /** A turn stops once this process's spend passes this many dollars (--max-budget-usd). */
  maxBudgetUsd?: number;
  /** --sandbox given: run every command under bubblewrap (settings files may also ask for it). */
  sandbox?: boolean;
  /** --mcp-config values (files or JSON), read beside the settings' MCP servers. */
  mcpConfigs?: string[];
  /** --strict-mcp-config: only the servers of --mcp-config. */
  strictMcpConfig?: boolean;
}
