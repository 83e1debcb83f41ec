// Credentials stay with tandem: commands it runs get an environment without the model providers' keys
// (unless settings say `env.inheritCredentials: true`), and transcripts, logs and errors can be redacted.

/** Environment variables holding model-provider credentials. */
export const PROVIDER_CREDENTIALS: readonly string[] = [
  'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'AZURE_API_KEY',
  'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY',
  'MISTRAL_API_KEY', 'GROQ_API_KEY', 'XAI_API_KEY', 'DEEPSEEK_API_KEY', 'OPENROUTER_API_KEY',
  'TOGETHER_API_KEY', 'FIREWORKS_API_KEY', 'CEREBRAS_API_KEY', 'COHERE_API_KEY', 'PERPLEXITY_API_KEY',
  'AI_GATEWAY_API_KEY',
];

/** Names tandem itself may be configured to read a key from must look like credentials. */
const CREDENTIAL_NAME = /_API_KEY$|_AUTH_TOKEN$/;

export interface CredentialOptions {
  /** Let commands see the credentials (settings `env.inheritCredentials`). */
  inheritCredentials?: boolean;
  /** More variables tandem was configured to read keys from (e.g. a custom provider's `MYPROXY_API_KEY`). */
  credentialVariables?: readonly string[];
}

/** The credential variable names in force: the providers' plus configured ones matching *_API_KEY / *_AUTH_TOKEN. */
export function credentialVariables(options: CredentialOptions = {}): string[] {
  const extra = (options.credentialVariables ?? []).filter((name) => CREDENTIAL_NAME.test(name));
  return [...new Set([...PROVIDER_CREDENTIALS, ...extra])];
}

/** The environment for a command tandem runs: `processEnv` minus credentials, unless they are inherited. */
export function commandEnv(processEnv: NodeJS.ProcessEnv, options: CredentialOptions = {}): Record<string, string> {
  const strip = options.inheritCredentials ? new Set<string>() : new Set(credentialVariables(options));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && !strip.has(name)) env[name] = value;
  }
  return env;
}

/** The values of the credential variables set in `processEnv`: what `redactSecrets` should hide. */
export function secretValues(processEnv: NodeJS.ProcessEnv, options: CredentialOptions = {}): string[] {
  return credentialVariables(options).flatMap((name) => (processEnv[name] ? [processEnv[name]] : []));
}

/** Values shorter than this are not redacted: they would match ordinary text, and no real key is that short. */
export const MIN_SECRET_LENGTH = 8;

/** Replaces every occurrence of each secret in `text` with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const values = [...new Set(secrets.map((s) => s.trim()))]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of values) out = out.split(secret).join('[REDACTED]');
  return out;
}
