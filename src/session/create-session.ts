// createSession(): the library's way in. Options a program passes, with the environment's defaults for what
// it leaves out (the same variables the CLI reads: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, TANDEM_HOME, ...).
import os from 'node:os';
import path from 'node:path';
import type { AgentTool } from '../core/types.js';
import type { Mode } from '../workspace/permissions/types.js';
import { builtInModelsConfig } from '../providers/registry.js';
import { missingKeyMessage, resolveTarget } from '../providers/target.js';
import type { NotifyMode, SessionConfig } from './config.js';
import { Session, type PermissionHandler } from './session.js';

declare const TANDEM_VERSION: string | undefined;

export interface SessionOptions {
  /** The workspace (default: the current directory). */
  cwd?: string;
  /** A built-in provider (anthropic, openai, openrouter, ollama, …; default TANDEM_PROVIDER, then anthropic). */
  provider?: string;
  /** Model id, or PROVIDER/MODEL (default: the provider's usual variable, e.g. ANTHROPIC_MODEL). */
  model?: string;
  /** Default: the provider's key variable (ANTHROPIC_API_KEY, OPENAI_API_KEY, …). */
  apiKey?: string;
  /** Anthropic only: a bearer token instead of a key (default ANTHROPIC_AUTH_TOKEN). */
  authToken?: string;
  /** Default: the provider's base URL variable, then its usual endpoint. */
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
  /** Trust the workspace: its settings may allow tools, its hooks run (default: what `tandem trust` remembered). */
  trustWorkspace?: boolean;
}

/** Opens a session (a new one, or a resumed one with `resume`). Close it with `session.close()`. */
export async function createSession(options: SessionOptions = {}): Promise<Session> {
  const env = options.env ?? process.env;
  const models = builtInModelsConfig();
  const resolved = resolveTarget({ provider: options.provider ?? env.TANDEM_PROVIDER, model: options.model, baseUrl: options.baseURL }, env, models);
  const target = {
    ...resolved,
    apiKey: options.apiKey ?? resolved.apiKey,
    authToken: options.authToken ?? resolved.authToken,
  };
  const config: SessionConfig = {
    cwd: path.resolve(options.cwd ?? process.cwd()),
    model: target.qualifiedId,
    target,
    models,
    env,
    apiKey: target.apiKey,
    authToken: target.authToken,
    baseURL: target.baseURL,
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
  const missing = missingKeyMessage(target);
  if (missing) throw new Error(`createSession: ${missing} (or pass apiKey)`);
  const resume = options.resume === undefined ? undefined : options.resume === 'latest' ? { latest: true as const } : { id: options.resume };
  const session = await Session.open(config, {
    version: typeof TANDEM_VERSION === 'string' ? TANDEM_VERSION : '0.0.0-dev',
    interactive: !!options.canUseTool,
    resume,
    fork: options.fork,
    sessionId: options.sessionId,
    log: options.log ?? (() => {}),
    trustedWorkspace: options.trustWorkspace,
  });
  for (const tool of options.tools ?? []) session.addTool(tool);
  if (options.canUseTool) session.onPermissionRequest(options.canUseTool);
  return session;
}
