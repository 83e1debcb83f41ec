import { describe, expect, it } from 'vitest';
import { commandEnv, credentialVariables, redactSecrets, secretValues } from '../../src/workspace/secrets.js';

const env = {
  PATH: '/usr/bin',
  HOME: '/home/me',
  ANTHROPIC_API_KEY: 'sk-ant-api03-secret-value',
  ANTHROPIC_AUTH_TOKEN: 'token-value-123456',
  OPENAI_API_KEY: 'sk-openai-secret',
  GEMINI_API_KEY: 'gemini-secret-xyz',
  GOOGLE_API_KEY: 'google-secret-xyz',
  MYPROXY_API_KEY: 'proxy-secret-value',
  NPM_AUTH_TOKEN: 'npm-token-value',
  GITHUB_TOKEN: 'ghp_keepme',
};

describe('commandEnv', () => {
  it('strips the model providers\' keys and keeps everything else', () => {
    const out = commandEnv(env, {});
    expect(out).toEqual({ PATH: '/usr/bin', HOME: '/home/me', MYPROXY_API_KEY: 'proxy-secret-value', NPM_AUTH_TOKEN: 'npm-token-value', GITHUB_TOKEN: 'ghp_keepme' });
  });

  it('also strips the key variables tandem was configured with, if they look like credentials', () => {
    const out = commandEnv(env, { credentialVariables: ['MYPROXY_API_KEY', 'NOT_A_KEY'] });
    expect(out).not.toHaveProperty('MYPROXY_API_KEY');
    expect(credentialVariables({ credentialVariables: ['NOT_A_KEY'] })).not.toContain('NOT_A_KEY');
  });

  it('keeps them when the user opts in (env.inheritCredentials), as PermissionSettings passes it', () => {
    expect(commandEnv(env, { inheritCredentials: true })).toEqual(env);
  });

  it('does not change the environment it was given', () => {
    const copy = { ...env };
    commandEnv(copy, {});
    expect(copy).toEqual(env);
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    const secrets = secretValues(env, {});
    expect(secrets).toContain('sk-ant-api03-secret-value');
    const text = 'curl -H "x-api-key: sk-ant-api03-secret-value" ... sk-ant-api03-secret-value; openai=sk-openai-secret';
    expect(redactSecrets(text, secrets)).toBe('curl -H "x-api-key: [REDACTED]" ... [REDACTED]; openai=[REDACTED]');
  });

  it('prefers the longest secret when one contains another, and treats regex characters literally', () => {
    expect(redactSecrets('a sk-secret-long-part b', ['sk-secret', 'sk-secret-long-part'])).toBe('a [REDACTED] b');
    expect(redactSecrets('key=a.b*c+d(e)f', ['a.b*c+d(e)f'])).toBe('key=[REDACTED]');
    expect(redactSecrets('key=axbxcxdxexf', ['a.b*c+d(e)f'])).toBe('key=axbxcxdxexf');
  });

  it('ignores empty and very short values, which would match ordinary text', () => {
    expect(redactSecrets('a short text', ['', 'a', 'short'])).toBe('a short text');
  });
});
