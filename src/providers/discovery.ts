// Asks a server which models it has: /v1/models for OpenAI-compatible servers (llama.cpp adds its context
// length), Ollama's /api/tags and /api/show (with the context length). Plain fetch: no SDK is loaded for this.
import { hostPort } from './errors.js';
import type { ProviderDef } from './registry.js';

export interface ServerModel { id: string; contextWindow?: number }

export type Discovery = { ok: true; models: ServerModel[] } | { ok: false; problem: string };

const TIMEOUT_MS = 3_000;

export async function discoverModels(provider: ProviderDef, baseURL: string, apiKey?: string): Promise<Discovery> {
  try {
    if (provider.ollama) return { ok: true, models: await ollamaModels(baseURL) };
    const body = await getJson(`${baseURL.replace(/\/+$/, '')}/models`, apiKey) as { data?: { id?: string; meta?: { n_ctx_train?: number }; context_length?: number; max_context_length?: number }[] };
    if (!Array.isArray(body?.data)) return { ok: false, problem: `${baseURL}/models did not list models: this may not be an OpenAI-compatible API` };
    return {
      ok: true,
      models: body.data.filter((m) => typeof m.id === 'string').map((m) => ({
        id: m.id!, contextWindow: m.context_length ?? m.max_context_length ?? m.meta?.n_ctx_train,
      })),
    };
  } catch (error) {
    return { ok: false, problem: describe(error, baseURL, provider) };
  }
}

/** The context length a local server reports for a model (Ollama's /api/show, llama.cpp's /v1/models), if it does. */
export async function serverContextWindow(provider: ProviderDef, baseURL: string, model: string, apiKey?: string): Promise<number | undefined> {
  try {
    if (provider.ollama) return await showContextLength(origin(baseURL), model);
    const found = await discoverModels(provider, baseURL, apiKey);
    return found.ok ? found.models.find((m) => m.id === model)?.contextWindow : undefined;
  } catch {
    return undefined;
  }
}

async function ollamaModels(baseURL: string): Promise<ServerModel[]> {
  const root = origin(baseURL);
  const tags = await getJson(`${root}/api/tags`) as { models?: { name?: string; model?: string }[] };
  const names = (tags.models ?? []).map((m) => m.name ?? m.model ?? '').filter(Boolean).map((n) => n.replace(/:latest$/, ''));
  return Promise.all(names.map(async (id) => ({ id, contextWindow: await showContextLength(root, id).catch(() => undefined) })));
}

async function showContextLength(root: string, model: string): Promise<number | undefined> {
  const shown = await getJson(`${root}/api/show`, undefined, { model }) as { model_info?: Record<string, unknown>; parameters?: string };
  // A num_ctx parameter set in the Modelfile is what the server uses; else the model's trained length.
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(shown.parameters ?? '')?.[1];
  if (numCtx) return Number(numCtx);
  const entry = Object.entries(shown.model_info ?? {}).find(([key]) => key.endsWith('.context_length'));
  return typeof entry?.[1] === 'number' ? entry[1] : undefined;
}

/** "http://localhost:11434" for "http://localhost:11434/v1". */
function origin(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
}

class HttpProblem extends Error {}

async function getJson(url: string, apiKey?: string, post?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: post === undefined ? 'GET' : 'POST',
    headers: { accept: 'application/json', ...(apiKey && { authorization: `Bearer ${apiKey}` }), ...(post !== undefined && { 'content-type': 'application/json' }) },
    body: post === undefined ? undefined : JSON.stringify(post),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpProblem(`${url} answered ${response.status}${/<html/i.test(text) ? ' with an HTML page' : ''}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(`${url} did not answer JSON: this may not be the API`);
  }
}

function describe(error: unknown, baseURL: string, provider: ProviderDef): string {
  if (error instanceof HttpProblem) return error.message;
  const code = codeOf(error);
  if (code === 'ECONNREFUSED') return `nothing listens on ${hostPort(baseURL)}${provider.listenHint ? ` — ${provider.listenHint}` : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${baseURL} cannot be resolved (${code})`;
  if (error instanceof Error && error.name === 'TimeoutError') return `${baseURL} did not answer within ${TIMEOUT_MS / 1000}s`;
  return `cannot reach ${baseURL}: ${error instanceof Error ? error.message : String(error)}`;
}

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) for (const x of inner) { const c = codeOf(x); if (c) return c; }
  }
  return undefined;
}
