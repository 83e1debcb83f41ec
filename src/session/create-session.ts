// createSession(): the library's way in. Options a program passes, with the environment's defaults for what
// it leaves out (the same variables the CLI reads: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, TANDEM_HOME, ...).
import os from 'node:os';
import path from 'node:path';
import type { AgentTool } from '../core/types.js';
import type { Mode } from '../workspace/permissions/types.js';
import { DEFAULT_MODEL, type NotifyMode, type SessionConfig } from './config.js';
import { Session, type PermissionHandler } from './session.js';

declare const TANDEM_VERSION: string | undefined;

export interface SessionOptions {
  /** The workspace (default: the current directory). */
  cwd?: string;
  /** Model id (default: ANTHROPIC_MODEL, then claude-sonnet-4-6). */
  model?: string;
  /** Default: ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN as `authToken`). */
  apiKey?: string;
  authToken?: string;
  /** Default: ANTHROPIC_BASE_URL. */
  baseURL?: string;
  /** Resume a saved session of this workspace: its id (or a unique prefix), or 'latest'. */
  resume?: string;
  /** With `resume`: continue in a new session, leaving the old one as it was. */
  fork?: boolean;
  /** A new session's id (a UUID). */
  sessionId?: string;
  permissionMode?: Mode;
  /** Permission rules, as in settings files: `Bash(npm test:*)`, `Edit(src/**)`. */
  allow?: string[];
  deny?: string[];
  /** Run every command under bubblewrap. */
  sandbox?: boolean;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  maxTurns?: number;
  maxTokens?: number;
  maxBudgetUsd?: number;
  fallbackModel?: string;
  maxTasks?: number;
  /** Custom tools (defineTool), offered to the model beside tandem's own. */
  tools?: AgentTool[];
  /** Answers permission questions; without it, calls the rules do not allow are denied. */
  canUseTool?: PermissionHandler;
  /** tandem's state folder (default TANDEM_HOME or ~/.tandem): transcripts, settings, task registry. */
  home?: string;
  /** Where defaults come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Start-up and status lines (default: none). */
  log?: (line: string) => void;
  notify?: NotifyMode;
}

/** Opens a session (a new one, or a resumed one with `resume`). Close it with `session.close()`. */
export async function createSession(options: SessionOptions = {}): Promise<Session> {
  const env = options.env ?? process.env;
  const config: SessionConfig = {
    cwd: path.resolve(options.cwd ?? process.cwd()),
    model: options.model ?? (env.ANTHROPIC_MODEL?.trim() || DEFAULT_MODEL),
    apiKey: options.apiKey ?? (env.ANTHROPIC_API_KEY?.trim() || undefined),
    authToken: options.authToken ?? (env.ANTHROPIC_AUTH_TOKEN?.trim() || undefined),
    baseURL: options.baseURL ?? (env.ANTHROPIC_BASE_URL?.trim() || undefined),
    maxTurns: options.maxTurns,
    maxTokens: options.maxTokens ?? 16_384,
    maxRetries: 7,
    systemPrompt: options.systemPrompt,
    appendSystemPrompt: options.appendSystemPrompt,
    notify: options.notify ?? 'next-turn',
    maxTasks: options.maxTasks ?? 32,
    home: options.home ?? (env.TANDEM_HOME?.trim() || path.join(os.homedir(), '.tandem')),
    compactThreshold: 0.8,
    permissionMode: options.permissionMode,
    allow: options.allow ?? [],
    deny: options.deny ?? [],
    sandbox: options.sandbox,
    fallbackModel: options.fallbackModel,
    maxBudgetUsd: options.maxBudgetUsd,
  };
  if (!config.apiKey && !config.authToken) {
    throw new Error('createSession: no API key; pass apiKey (or authToken), or set ANTHROPIC_API_KEY.');
  }
  const resume = options.resume === undefined ? undefined : options.resume === 'latest' ? { latest: true as const } : { id: options.resume };
  const session = await Session.open(config, {
    version: typeof TANDEM_VERSION === 'string' ? TANDEM_VERSION : '0.0.0-dev',
    interactive: !!options.canUseTool,
    resume,
    fork: options.fork,
    sessionId: options.sessionId,
    log: options.log ?? (() => {}),
  });
  for (const tool of options.tools ?? []) session.addTool(tool);
  if (options.canUseTool) session.onPermissionRequest(options.canUseTool);
  return session;
}
