// The providers tandem knows: each with its usual environment variable, default base URL and API kind. The
// models file (models-file.ts) adds providers and models and overrides these fields.
import type { ModelInfo } from './catalog.js';
import type { OpenAICompat } from './openai-common.js';

export type ApiKind = 'anthropic-messages' | 'openai-chat' | 'openai-responses';
export const API_KINDS: readonly ApiKind[] = ['anthropic-messages', 'openai-chat', 'openai-responses'];

export interface ProviderDef {
  id: string;
  /** For messages: "OpenAI", "Ollama". */
  label: string;
  /** `openai-auto`: Responses for models that need it (GPT-5, o-series, codex), chat completions otherwise. */
  api: ApiKind | 'openai-auto';
  baseURL?: string;
  /** Variables that may hold the key, first set wins. */
  keyEnv: string[];
  /** Variable that moves the base URL. */
  baseUrlEnv?: string;
  /** Without a key the provider cannot work (a cloud API); local servers need none. */
  keyRequired: boolean;
  /** A server on this machine: `tandem models` asks it which models it has. */
  local?: boolean;
  /** Ollama's own API beside its OpenAI one (/api/tags, /api/show). */
  ollama?: boolean;
  /** Said when nothing listens: "is `ollama serve` running?". */
  listenHint?: string;
  compat?: OpenAICompat;
  headers?: Record<string, string>;
  /** The model used when none is given. */
  defaultModel?: string;
  /** A key written in the models file (rather than a variable's name). */
  apiKey?: string;
  /** "built-in", or the file that defined or changed it. */
  source: string;
}

const openAICompat: OpenAICompat = { maxTokensField: 'max_completion_tokens' };

export const BUILT_IN_PROVIDERS: ProviderDef[] = [
  { id: 'anthropic', label: 'Anthropic', api: 'anthropic-messages', baseURL: 'https://api.anthropic.com', keyEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'], baseUrlEnv: 'ANTHROPIC_BASE_URL', keyRequired: true, defaultModel: 'claude-sonnet-4-6', source: 'built-in' },
  { id: 'openai', label: 'OpenAI', api: 'openai-auto', baseURL: 'https://api.openai.com/v1', keyEnv: ['OPENAI_API_KEY'], baseUrlEnv: 'OPENAI_BASE_URL', keyRequired: true, compat: openAICompat, defaultModel: 'gpt-5.1', source: 'built-in' },
  { id: 'openrouter', label: 'OpenRouter', api: 'openai-chat', baseURL: 'https://openrouter.ai/api/v1', keyEnv: ['OPENROUTER_API_KEY'], baseUrlEnv: 'OPENROUTER_BASE_URL', keyRequired: true, defaultModel: 'anthropic/claude-sonnet-4.5', source: 'built-in' },
  { id: 'ollama', label: 'Ollama', api: 'openai-chat', baseURL: 'http://localhost:11434/v1', keyEnv: ['OLLAMA_API_KEY'], baseUrlEnv: 'OLLAMA_BASE_URL', keyRequired: false, local: true, ollama: true, listenHint: 'is `ollama serve` running?', source: 'built-in' },
  { id: 'lmstudio', label: 'LM Studio', api: 'openai-chat', baseURL: 'http://localhost:1234/v1', keyEnv: ['LMSTUDIO_API_KEY'], baseUrlEnv: 'LMSTUDIO_BASE_URL', keyRequired: false, local: true, listenHint: 'is the LM Studio server started (`lms server start`)?', source: 'built-in' },
  { id: 'llamacpp', label: 'llama.cpp', api: 'openai-chat', baseURL: 'http://localhost:8080/v1', keyEnv: ['LLAMA_API_KEY'], baseUrlEnv: 'LLAMACPP_BASE_URL', keyRequired: false, local: true, listenHint: 'is `llama-server` running?', source: 'built-in' },
  { id: 'vllm', label: 'vLLM', api: 'openai-chat', baseURL: 'http://localhost:8000/v1', keyEnv: ['VLLM_API_KEY'], baseUrlEnv: 'VLLM_BASE_URL', keyRequired: false, local: true, listenHint: 'is `vllm serve` running?', source: 'built-in' },
  { id: 'groq', label: 'Groq', api: 'openai-chat', baseURL: 'https://api.groq.com/openai/v1', keyEnv: ['GROQ_API_KEY'], keyRequired: true, defaultModel: 'openai/gpt-oss-120b', source: 'built-in' },
  { id: 'deepseek', label: 'DeepSeek', api: 'openai-chat', baseURL: 'https://api.deepseek.com/v1', keyEnv: ['DEEPSEEK_API_KEY'], keyRequired: true, defaultModel: 'deepseek-chat', source: 'built-in' },
  { id: 'gemini', label: 'Gemini', api: 'openai-chat', baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], keyRequired: true, defaultModel: 'gemini-2.5-pro', source: 'built-in' },
  { id: 'xai', label: 'xAI', api: 'openai-chat', baseURL: 'https://api.x.ai/v1', keyEnv: ['XAI_API_KEY'], keyRequired: true, defaultModel: 'grok-code-fast-1', source: 'built-in' },
  { id: 'mistral', label: 'Mistral', api: 'openai-chat', baseURL: 'https://api.mistral.ai/v1', keyEnv: ['MISTRAL_API_KEY'], keyRequired: true, compat: { toolCallIds: 'mistral', streamUsage: false }, defaultModel: 'devstral-medium-latest', source: 'built-in' },
  { id: 'openai-compatible', label: 'OpenAI-compatible', api: 'openai-chat', keyEnv: ['OPENAI_COMPATIBLE_API_KEY'], keyRequired: false, source: 'built-in' },
];

/** OpenAI's models that answer on the Responses API only, or reason best there: GPT-5, o-series, codex. */
export function openAIApiFor(model: string): ApiKind {
  const bare = model.toLowerCase().split('/').at(-1)!;
  if (/^gpt-5(\.\d+)?-chat/.test(bare)) return 'openai-chat';
  return /^(gpt-5|o\d|codex|computer-use)/.test(bare) ? 'openai-responses' : 'openai-chat';
}

/** The API kind a provider uses for a model. */
export function apiKindOf(provider: ProviderDef, model: string): ApiKind {
  return provider.api === 'openai-auto' ? openAIApiFor(model) : provider.api;
}

export type ConfiguredModel = ModelInfo & { api?: ApiKind; compat?: OpenAICompat };

/** Every provider tandem can use and the models configured for them (see models-file.ts). */
export interface ModelsConfig {
  providers: Map<string, ProviderDef>;
  /** Models by provider id, then model id. */
  models: Map<string, Map<string, ConfiguredModel & { source: string }>>;
  /** Files that were read. */
  files: string[];
}

/** The built-in providers alone: what a run without a models file uses (no file is read, no validator loaded). */
export function builtInModelsConfig(): ModelsConfig {
  return { providers: new Map(BUILT_IN_PROVIDERS.map((p) => [p.id, { ...p }])), models: new Map(), files: [] };
}
