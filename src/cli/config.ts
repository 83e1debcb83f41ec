// Configuration, highest first: flags, the environment, a .env file in the working directory, defaults.
// Environment names follow Claude Code's so its users can switch without renaming anything.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { NotifyMode, SessionConfig } from '../session/config.js';
import { MODES, type Mode } from '../workspace/permissions/types.js';
import { builtInModelsConfig, type ModelsConfig } from '../providers/registry.js';
import { missingKeyMessage, resolveTarget, TargetError, type ModelTarget } from '../providers/target.js';

export type { NotifyMode } from '../session/config.js';

export { DEFAULT_MODEL } from '../session/config.js';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface CliFlags {
  /** --provider (env TANDEM_PROVIDER). */
  provider?: string;
  model?: string;
  baseUrl?: string;
  cwd?: string;
  maxTurns?: number;
  outputFormat?: OutputFormat;
  envOverride?: boolean;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  waitTasks?: number;
  notify?: NotifyMode;
  maxTasks?: number;
  permissionMode?: string;
  allow?: string[];
  deny?: string[];
  sandbox?: boolean;
}

/** The session's configuration plus what only the command line's front ends use. */
export interface Config extends SessionConfig {
  outputFormat: OutputFormat;
  /** Seconds print mode waits for still-running background tasks before it exits. */
  waitTasksSec: number;
}

/** A problem the user must fix; the CLI prints its message alone and exits with status 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Applies `<cwd>/.env` to `env`. Real environment values win, as with process.loadEnvFile, unless
 * `override` asks for the seed's load_dotenv(override=True) semantics. Returns the file's path if loaded.
 */
export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv, override: boolean): string | undefined {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return undefined;
  let parsed: NodeJS.Dict<string>;
  try {
    parsed = parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined && (override || env[key] === undefined)) env[key] = value;
  }
  return file;
}

/** `models`: from loadModels when the user has a models file; the built-in providers otherwise. */
export function resolveConfig(flags: CliFlags, env: NodeJS.ProcessEnv, homeDir: string, models?: ModelsConfig): Config {
  const cwd = path.resolve(flags.cwd ?? '.');
  const home = nonEmpty(env.TANDEM_HOME) ?? path.join(homeDir, '.tandem');
  const target = modelTarget(flags, env, models ??= builtInModelsConfig());
  const streamTimeoutSec = intFrom(env.TANDEM_STREAM_TIMEOUT, 'TANDEM_STREAM_TIMEOUT');
  return {
    cwd,
    model: target.qualifiedId,
    target,
    models,
    env,
    streamTimeoutMs: streamTimeoutSec ? streamTimeoutSec * 1000 : undefined,
    apiKey: target.apiKey,
    authToken: target.authToken,
    baseURL: target.baseURL,
    maxTurns: flags.maxTurns,
    maxTokens: intFrom(env.TANDEM_MAX_TOKENS, 'TANDEM_MAX_TOKENS') ?? 16_384,
    maxRetries: intFrom(env.TANDEM_MAX_RETRIES, 'TANDEM_MAX_RETRIES') ?? 7,
    outputFormat: flags.outputFormat ?? 'text',
    systemPrompt: flags.systemPrompt,
    appendSystemPrompt: flags.appendSystemPrompt,
    waitTasksSec: flags.waitTasks ?? intFrom(env.TANDEM_WAIT_TASKS, 'TANDEM_WAIT_TASKS') ?? 600,
    notify: flags.notify ?? notifyFrom(env.TANDEM_NOTIFY) ?? 'wake',
    maxTasks: flags.maxTasks ?? intFrom(env.TANDEM_MAX_TASKS, 'TANDEM_MAX_TASKS') ?? 32,
    home,
    contextWindow: intFrom(env.TANDEM_CONTEXT_WINDOW, 'TANDEM_CONTEXT_WINDOW'),
    compactThreshold: fractionFrom(env.TANDEM_COMPACT_THRESHOLD, 'TANDEM_COMPACT_THRESHOLD') ?? 0.8,
    permissionMode: modeFrom(flags.permissionMode),
    allow: flags.allow ?? [],
    deny: flags.deny ?? [],
    sandbox: flags.sandbox,
  };
}

/** Says which variable to set when no credential is configured. */
export function requireCredentials(config: Config): void {
  const missing = missingKeyMessage(config.target);
  if (missing) throw new ConfigError(missing);
}

/** The provider and model chosen by flags and environment; a wrong one is the user's to fix. */
function modelTarget(flags: Pick<CliFlags, 'provider' | 'model' | 'baseUrl'>, env: NodeJS.ProcessEnv, models: ModelsConfig): ModelTarget {
  try {
    return resolveTarget({ provider: flags.provider ?? env.TANDEM_PROVIDER, model: flags.model, baseUrl: flags.baseUrl }, env, models);
  } catch (err) {
    if (err instanceof TargetError) throw new ConfigError(err.message);
    throw err;
  }
}

/**
 * The user's models file and settings' `models` section over the built-in providers, or undefined when there is
 * neither (then the validator is never loaded: start-up stays as it was). Errors name file:line:column.
 */
export async function loadModels(env: NodeJS.ProcessEnv, homeDir: string): Promise<ModelsConfig | undefined> {
  const home = nonEmpty(env.TANDEM_HOME) ?? path.join(homeDir, '.tandem');
  const settings = path.join(home, 'settings.json');
  const hasSection = existsSync(settings) && /"models"\s*:/.test(readFileSync(settings, 'utf8'));
  if (!hasSection && !existsSync(path.join(home, 'models.json'))) return undefined;
  const { loadModelsConfig, ModelsFileError } = await import('../providers/models-file.js');
  try {
    return loadModelsConfig(home);
  } catch (err) {
    if (err instanceof ModelsFileError) throw new ConfigError(err.message);
    throw err;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function intFrom(value: string | undefined, name: string): number | undefined {
  if (nonEmpty(value) === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, not "${value}".`);
  return n;
}

function modeFrom(value: string | undefined): Mode | undefined {
  if (value === undefined) return undefined;
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw new ConfigError(`--permission-mode must be one of ${MODES.join(', ')}, not "${value}".`);
}

function fractionFrom(value: string | undefined, name: string): number | undefined {
  if (nonEmpty(value) === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new ConfigError(`${name} must be a fraction between 0 and 1, not "${value}".`);
  return n;
}

function notifyFrom(value: string | undefined): NotifyMode | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'wake' || value === 'next-turn') return value;
  throw new ConfigError(`TANDEM_NOTIFY must be "wake" or "next-turn", not "${value}".`);
}
