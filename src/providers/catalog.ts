// What tandem knows about models without asking: context window, output limit, prices (USD per million
// tokens, from each vendor's pricing page) and whether they reason. Models the user configures (models file)
// are registered on top and win; a model in neither is counted in tokens only.

export interface ModelPriceInfo {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface ModelInfo {
  /** Shown in /cost. */
  name?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  price?: ModelPriceInfo;
  reasoning?: boolean;
}

const m = (name: string, contextWindow: number, maxOutputTokens: number, input: number, output: number, cacheRead: number, reasoning = false): ModelInfo =>
  ({ name, contextWindow, maxOutputTokens, price: { input, output, cacheRead }, reasoning });

/** Matched in order against the model id without its provider prefix ("gpt-5.1", "deepseek-chat"). */
const KNOWN: [RegExp, ModelInfo][] = [
  [/^gpt-5(\.\d+)?-codex-mini/, m('GPT-5 Codex mini', 400_000, 128_000, 0.25, 2, 0.025, true)],
  [/^gpt-5(\.\d+)?-codex/, m('GPT-5 Codex', 400_000, 128_000, 1.25, 10, 0.125, true)],
  [/^gpt-5(\.\d+)?-mini/, m('GPT-5 mini', 400_000, 128_000, 0.25, 2, 0.025, true)],
  [/^gpt-5(\.\d+)?-nano/, m('GPT-5 nano', 400_000, 128_000, 0.05, 0.4, 0.005, true)],
  [/^gpt-5(\.\d+)?-chat/, m('GPT-5 chat', 128_000, 16_384, 1.25, 10, 0.125)],
  [/^gpt-5/, m('GPT-5', 400_000, 128_000, 1.25, 10, 0.125, true)],
  [/^gpt-4\.1-nano/, m('GPT-4.1 nano', 1_047_576, 32_768, 0.1, 0.4, 0.025)],
  [/^gpt-4\.1-mini/, m('GPT-4.1 mini', 1_047_576, 32_768, 0.4, 1.6, 0.1)],
  [/^gpt-4\.1/, m('GPT-4.1', 1_047_576, 32_768, 2, 8, 0.5)],
  [/^gpt-4o-mini/, m('GPT-4o mini', 128_000, 16_384, 0.15, 0.6, 0.075)],
  [/^gpt-4o/, m('GPT-4o', 128_000, 16_384, 2.5, 10, 1.25)],
  [/^gpt-oss-120b/, m('gpt-oss-120b', 131_072, 32_768, 0.15, 0.6, 0.075, true)],
  [/^gpt-oss-20b/, m('gpt-oss-20b', 131_072, 32_768, 0.075, 0.3, 0.0375, true)],
  [/^o4-mini/, m('o4-mini', 200_000, 100_000, 1.1, 4.4, 0.275, true)],
  [/^o3-mini/, m('o3-mini', 200_000, 100_000, 1.1, 4.4, 0.55, true)],
  [/^o3/, m('o3', 200_000, 100_000, 2, 8, 0.5, true)],
  [/^o1/, m('o1', 200_000, 100_000, 15, 60, 7.5, true)],
  [/^deepseek-reasoner/, m('DeepSeek reasoner', 128_000, 64_000, 0.28, 0.42, 0.028, true)],
  [/^deepseek-chat/, m('DeepSeek chat', 128_000, 8_192, 0.28, 0.42, 0.028)],
  [/^grok-code-fast/, m('Grok Code Fast', 256_000, 32_768, 0.2, 1.5, 0.02, true)],
  [/^grok-4/, m('Grok 4', 256_000, 32_768, 3, 15, 0.75, true)],
  [/^gemini-2\.5-pro/, m('Gemini 2.5 Pro', 1_048_576, 65_536, 1.25, 10, 0.125, true)],
  [/^gemini-2\.5-flash-lite/, m('Gemini 2.5 Flash-Lite', 1_048_576, 65_536, 0.1, 0.4, 0.01, true)],
  [/^gemini-2\.5-flash/, m('Gemini 2.5 Flash', 1_048_576, 65_536, 0.3, 2.5, 0.03, true)],
  [/^devstral-medium/, m('Devstral Medium', 131_072, 32_768, 0.4, 2, 0.4)],
  [/^devstral-small/, m('Devstral Small', 131_072, 32_768, 0.1, 0.3, 0.1)],
  [/^codestral/, m('Codestral', 256_000, 32_768, 0.3, 0.9, 0.3)],
  [/^mistral-large/, m('Mistral Large', 131_072, 32_768, 2, 6, 2)],
  [/^mistral-medium/, m('Mistral Medium', 131_072, 32_768, 0.4, 2, 0.4)],
  [/^llama-3\.3-70b/, m('Llama 3.3 70B', 131_072, 32_768, 0.59, 0.79, 0.59)],
  [/^kimi-k2/, m('Kimi K2', 131_072, 16_384, 1, 3, 0.5)],
  [/^qwen3-coder/, { name: 'Qwen3 Coder', contextWindow: 262_144, maxOutputTokens: 65_536 }],
];

const configured = new Map<string, ModelInfo>();

/** Models from the models file, by qualified id ("ollama/qwen3-coder") and bare id; later calls add to earlier ones. */
export function registerConfiguredModel(qualifiedId: string, info: ModelInfo): void {
  configured.set(qualifiedId.toLowerCase(), { ...configured.get(qualifiedId.toLowerCase()), ...info });
}

/** What is known of a model: configured first, then the table. `id` may carry a provider prefix. */
export function modelInfo(id: string): ModelInfo | undefined {
  const lower = id.toLowerCase();
  const own = configured.get(lower);
  const bare = lower.split('/').at(-1)!.replace(/:.*$/, '');
  const known = KNOWN.find(([re]) => re.test(bare))?.[1];
  if (!own) return known;
  return { ...known, ...own, price: own.price ?? known?.price };
}
