// The user's providers and models: ~/.tandem/models.json and the `models` section of ~/.tandem/settings.json
// (both under TANDEM_HOME). Only the user's own files are read: a project's files may come from a cloned
// repository, and a base URL there could send the user's key elsewhere. Errors name file:line:column.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { JsonSyntaxError, locate, parseJsonWithLocations, type Location } from '../workspace/permissions/json-locations.js';
import { registerConfiguredModel } from './catalog.js';
import { API_KINDS, builtInModelsConfig, type ApiKind, type ModelsConfig, type ProviderDef } from './registry.js';

/** A models file that cannot be used; the message starts with `file:line:column:`. */
export class ModelsFileError extends Error {
  override name = 'ModelsFileError';
  constructor(message: string, readonly file: string, location?: Location) {
    super(location ? `${file}:${location.line}:${location.column}: ${message}` : `${file}: ${message}`);
  }
}

const Compat = z.strictObject({
  systemRole: z.enum(['system', 'developer']).optional(),
  streamUsage: z.boolean().optional(),
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  toolCallIds: z.enum(['any', 'mistral']).optional(),
  sendReasoning: z.boolean().optional(),
  cacheControl: z.boolean().optional(),
  encryptedReasoning: z.boolean().optional(),
});

const Price = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

const ModelEntry = z.strictObject({
  name: z.string().optional(),
  contextWindow: z.int().positive().optional(),
  maxOutputTokens: z.int().positive().optional(),
  /** USD per million tokens. */
  price: Price.optional(),
  reasoning: z.boolean().optional(),
  api: z.enum(API_KINDS as [ApiKind, ...ApiKind[]]).optional(),
  compat: Compat.optional(),
});

const ProviderEntry = z.strictObject({
  label: z.string().optional(),
  baseUrl: z.string().regex(/^https?:\/\//, 'must start with http:// or https://').optional(),
  api: z.enum(API_KINDS as [ApiKind, ...ApiKind[]]).optional(),
  apiKey: z.string().optional(),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable').optional(),
  headers: z.record(z.string(), z.string()).optional(),
  compat: Compat.optional(),
  defaultModel: z.string().optional(),
  models: z.record(z.string(), ModelEntry).optional(),
});

const ModelsSection = z.strictObject({ providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'provider names are lower-case letters, digits, ".", "_" and "-"'), ProviderEntry) });



/** The files, lowest precedence first: settings' `models` section, then models.json. */
export function modelsFiles(home: string): { file: string; section?: string }[] {
  return [{ file: path.join(home, 'settings.json'), section: 'models' }, { file: path.join(home, 'models.json') }];
}

/** The built-in providers with the files' additions; throws ModelsFileError naming file:line:column. */
export function loadModelsConfig(home: string): ModelsConfig {
  const { providers, models, files } = builtInModelsConfig();
  for (const { file, section } of modelsFiles(home)) {
    if (!existsSync(file)) continue;
    const parsed = readSection(file, section);
    if (!parsed) continue;
    files.push(file);
    for (const [id, entry] of Object.entries(parsed.providers)) {
      const base = providers.get(id);
      const where = section ? `${file} (${section})` : file;
      if (!base && !entry.baseUrl) {
        throw new ModelsFileError(`provider "${id}" is not built in, so it needs a "baseUrl"`, file, parsed.locate(['providers', id]));
      }
      const def: ProviderDef = {
        ...(base ?? { id, label: id, api: 'openai-chat', keyEnv: [], keyRequired: false }),
        source: where,
      };
      if (entry.label) def.label = entry.label;
      if (entry.baseUrl) def.baseURL = entry.baseUrl;
      if (entry.api) def.api = entry.api;
      if (entry.apiKey) def.apiKey = entry.apiKey;
      if (entry.apiKeyEnv) def.keyEnv = [entry.apiKeyEnv];
      if (entry.headers) def.headers = { ...def.headers, ...entry.headers };
      if (entry.compat) def.compat = { ...def.compat, ...entry.compat };
      if (entry.defaultModel) def.defaultModel = entry.defaultModel;
      providers.set(id, def);
      const own = models.get(id) ?? new Map();
      for (const [model, info] of Object.entries(entry.models ?? {})) {
        own.set(model, { ...own.get(model), ...info, source: where });
        registerConfiguredModel(`${id}/${model}`, info);
      }
      models.set(id, own);
    }
  }
  return { providers, models, files };
}

function readSection(file: string, section: string | undefined): (z.infer<typeof ModelsSection> & { locate(p: PropertyKey[]): Location }) | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelsFileError(`cannot read: ${(err as Error).message}`, file);
  }
  let json;
  try {
    json = parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ModelsFileError(`invalid JSON: ${err.message}`, file, err.location);
    throw err;
  }
  const prefix = section ? [section] : [];
  const value = section ? (json.value as Record<string, unknown> | null)?.[section] : json.value;
  if (value === undefined) return undefined;
  const result = ModelsSection.safeParse(value);
  if (!result.success) {
    const [first, ...more] = result.error.issues;
    const describe = (issue: z.core.$ZodIssue) => {
      const at = [...prefix, ...issue.path].map(String).join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')}; see README, "Providers and models")` : '';
      return `${at || '(top level)'}: ${issue.message}${keys}`;
    };
    const rest = more.slice(0, 4).map((issue) => {
      const loc = locate(json, [...prefix, ...issue.path]);
      return `\n${file}:${loc.line}:${loc.column}: ${describe(issue)}`;
    });
    throw new ModelsFileError(describe(first!) + rest.join(''), file, locate(json, [...prefix, ...first!.path]));
  }
  return { ...result.data, locate: (p) => locate(json, [...prefix, ...p]) };
}
