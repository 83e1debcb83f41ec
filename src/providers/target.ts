// Which provider, model, endpoint and key a run uses, from --provider / TANDEM_PROVIDER, --model PROVIDER/MODEL,
// --base-url, the environment and the models file. Loads no SDK (model-factory.ts does).
import { modelInfo } from './catalog.js';
import type { OpenAICompat } from './openai-common.js';
import { apiKindOf, type ApiKind, type ConfiguredModel, type ModelsConfig, type ProviderDef } from './registry.js';

export interface ModelTarget {
  provider: ProviderDef;
  /** The model id as the API knows it ("anthropic/claude-sonnet-4.5" on OpenRouter). */
  model: string;
  /** "openai/gpt-5.1"; an Anthropic model keeps its bare id (as sessions have always recorded it). */
  qualifiedId: string;
  api: ApiKind;
  baseURL?: string;
  apiKey?: string;
  /** Anthropic only: ANTHROPIC_AUTH_TOKEN, sent as a bearer token. */
  authToken?: string;
  /** Which variable the key came from (or would), for messages. */
  keyHint: string;
  baseUrlHint: string;
  compat: OpenAICompat;
  /** From the models file or the table. */
  info?: ConfiguredModel;
}

/** A provider or model that cannot be used as given; the CLI prints the message and exits 2. */
export class TargetError extends Error {
  override name = 'TargetError';
}

export interface TargetInput {
  /** --provider, else TANDEM_PROVIDER. */
  provider?: string;
  /** --model; may be PROVIDER/MODEL. */
  model?: string;
  /** --base-url: applies to the chosen provider. */
  baseUrl?: string;
}

export function resolveTarget(input: TargetInput, env: NodeJS.ProcessEnv, config: ModelsConfig): ModelTarget {
  let providerId = input.provider?.trim() || undefined;
  let model = input.model?.trim() || undefined;
  const slash = model?.indexOf('/') ?? -1;
  if (model && slash > 0) {
    const prefix = model.slice(0, slash);
    if (config.providers.has(prefix) && (providerId === undefined || providerId === prefix)) {
      providerId = prefix;
      model = model.slice(slash + 1);
    }
  }
  if (!providerId && model) providerId = configuredOwner(model, config);
  providerId ??= 'anthropic';
  const provider = config.providers.get(providerId);
  if (!provider) {
    throw new TargetError(`Unknown provider "${providerId}". Known: ${[...config.providers.keys()].join(', ')} (add others in ~/.tandem/models.json).`);
  }
  if (provider.id === 'anthropic') model ??= nonEmpty(env.ANTHROPIC_MODEL) ?? nonEmpty(env.MODEL_ID);
  model ??= provider.defaultModel;
  if (!model) {
    throw new TargetError(`Choose a model for ${provider.label}: --model ${provider.id}/MODEL (\`tandem models\` lists what ${provider.local ? 'the server has' : 'is configured'}).`);
  }
  const baseURL = nonEmpty(input.baseUrl) ?? envBaseUrl(provider, env) ?? provider.baseURL;
  const baseUrlHint = input.baseUrl || !provider.baseUrlEnv ? '--base-url' : `--base-url or ${provider.baseUrlEnv}`;
  if (!baseURL) throw new TargetError(`The ${provider.id} provider needs a base URL: --base-url http://HOST:PORT/v1 (or "baseUrl" in ~/.tandem/models.json).`);
  if (!/^https?:\/\//.test(baseURL)) throw new TargetError(`The base URL "${baseURL}" must start with http:// or https:// (${baseUrlHint}).`);
  const entry = config.models.get(provider.id)?.get(model);
  const qualifiedId = provider.id === 'anthropic' ? model : `${provider.id}/${model}`;
  const info: ConfiguredModel | undefined = entry ?? modelInfo(qualifiedId);
  const api = entry?.api ?? apiKindOf(provider, model);
  const compat: OpenAICompat = {
    // OpenRouter passes Anthropic's cache breakpoints through to Claude models.
    ...(provider.id === 'openrouter' && /^anthropic\//.test(model) && { cacheControl: true }),
    ...provider.compat, ...entry?.compat,
  };
  const keyed = provider.keyEnv.find((name) => nonEmpty(env[name]));
  const keyHint = provider.keyEnv.length ? provider.keyEnv.join(' or ') : `"apiKey" for ${provider.id} in ~/.tandem/models.json`;
  const target: ModelTarget = { provider, model, qualifiedId, api, baseURL, keyHint, baseUrlHint, compat, info };
  if (provider.id === 'anthropic' && !provider.apiKey) {
    target.apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
    target.authToken = nonEmpty(env.ANTHROPIC_AUTH_TOKEN);
  } else {
    target.apiKey = provider.apiKey ?? (keyed ? nonEmpty(env[keyed]) : undefined);
  }
  return target;
}

/** Says which variable to set when a provider that needs a key has none. */
export function missingKeyMessage(target: ModelTarget): string | undefined {
  if (!target.provider.keyRequired || target.apiKey || target.authToken) return undefined;
  if (target.provider.id === 'anthropic') {
    return 'No API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN for a bearer token) in the environment or in .env.';
  }
  return `No API key for ${target.provider.label}: set ${target.keyHint} in the environment or in .env.`;
}

/** The one configured provider that lists `model`, if exactly one does. */
function configuredOwner(model: string, config: ModelsConfig): string | undefined {
  const owners = [...config.models].filter(([, models]) => models.has(model)).map(([id]) => id);
  return owners.length === 1 ? owners[0] : undefined;
}

function envBaseUrl(provider: ProviderDef, env: NodeJS.ProcessEnv): string | undefined {
  const own = provider.baseUrlEnv ? nonEmpty(env[provider.baseUrlEnv]) : undefined;
  if (own) return own;
  // Ollama's own variable is a host (and port), as `ollama serve` reads it.
  const host = provider.ollama ? nonEmpty(env.OLLAMA_HOST) : undefined;
  if (!host) return undefined;
  return `${/^https?:\/\//.test(host) ? host : `http://${host}`}`.replace(/\/+$/, '') + '/v1';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
