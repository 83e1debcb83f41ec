// `tandem models [PROVIDER]`: the providers and models tandem can use, where each came from, and for local
// servers (and a named provider) what the server itself says it has.
import os from 'node:os';
import type { Command } from 'commander';
import { ConfigError, loadModels } from '../config.js';
import { builtInModelsConfig, type ModelsConfig, type ProviderDef } from '../../providers/registry.js';
import { resolveTarget } from '../../providers/target.js';
import type { RegisterSubcommand } from './shared.js';

export const register: RegisterSubcommand = (program: Command) => {
  program
    .command('models')
    .argument('[provider]', 'show only this provider, and ask its server which models it has')
    .description('list providers and models: where each is configured, and what local servers have')
    .option('--base-url <url>', "the named provider's base URL")
    .action(async (only: string | undefined, opts: { baseUrl?: string }) => {
      const config = (await loadModels(process.env, os.homedir())) ?? builtInModelsConfig();
      if (only && !config.providers.has(only)) {
        throw new ConfigError(`Unknown provider "${only}". Known: ${[...config.providers.keys()].join(', ')}.`);
      }
      if (opts.baseUrl && !only) throw new ConfigError('--base-url needs a provider: tandem models PROVIDER --base-url URL');
      const providers = [...config.providers.values()].filter((p) => !only || p.id === only);
      const sections = await Promise.all(providers.map((p) => section(p, config, Boolean(only), opts.baseUrl)));
      const files = config.files.length ? config.files.join(', ') : 'none (add providers and models in ~/.tandem/models.json)';
      process.stdout.write(`${sections.join('\n\n')}\n\nModels files read: ${files}\n`);
    });
};

async function section(provider: ProviderDef, config: ModelsConfig, named: boolean, baseUrlFlag?: string): Promise<string> {
  const env = process.env;
  const baseURL = baseUrlFlag ?? safeBaseUrl(provider, config);
  const keyVar = provider.keyEnv.find((name) => env[name]?.trim());
  const key = provider.apiKey ? 'key in the models file' : keyVar ? `key from ${keyVar}` : provider.keyRequired ? `no key: set ${provider.keyEnv.join(' or ')}` : 'no key needed';
  const api = provider.api === 'openai-auto' ? 'openai-responses / openai-chat' : provider.api;
  const lines = [`${provider.id} — ${provider.label} · ${api} · ${baseURL ?? '(needs --base-url)'} · ${key} · from ${provider.source}`];
  const own = config.models.get(provider.id) ?? new Map();
  if (provider.defaultModel && !own.has(provider.defaultModel)) lines.push(`  ${provider.defaultModel} (default, built-in)`);
  for (const [id, info] of own) {
    lines.push(`  ${id}${id === provider.defaultModel ? ' (default)' : ''}${describeInfo(info)} · from ${info.source}`);
  }
  // Local servers are asked every time; a cloud API only when named and a key is there.
  const ask = baseURL && (provider.local || (named && (keyVar || provider.apiKey || !provider.keyRequired)));
  if (ask) {
    const { discoverModels } = await import('../../providers/discovery.js');
    const apiKey = provider.apiKey ?? (keyVar ? env[keyVar] : undefined);
    const found = await discoverModels(provider, baseURL, apiKey);
    if (!found.ok) lines.push(`  server: ${found.problem}`);
    else if (found.models.length === 0) lines.push('  server: no models yet');
    else {
      for (const m of found.models) {
        lines.push(`  ${provider.id}/${m.id}${m.contextWindow ? ` · context ${m.contextWindow.toLocaleString('en-US')}` : ''} · from the server`);
      }
    }
  }
  return lines.join('\n');
}

function describeInfo(info: { contextWindow?: number; maxOutputTokens?: number; price?: { input: number; output: number }; reasoning?: boolean }): string {
  const parts: string[] = [];
  if (info.contextWindow) parts.push(`context ${info.contextWindow.toLocaleString('en-US')}`);
  if (info.maxOutputTokens) parts.push(`max output ${info.maxOutputTokens.toLocaleString('en-US')}`);
  if (info.price) parts.push(`$${info.price.input}/$${info.price.output} per Mtok`);
  if (info.reasoning) parts.push('reasons');
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

/** The provider's base URL as a run would use it, or undefined when it has none. */
function safeBaseUrl(provider: ProviderDef, config: ModelsConfig): string | undefined {
  try {
    return resolveTarget({ provider: provider.id, model: provider.defaultModel ?? 'any' }, process.env, config).baseURL;
  } catch {
    return provider.baseURL;
  }
}
