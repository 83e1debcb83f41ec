// The Anthropic Messages API as a Model: one streamed request per attempt through the shared retry loop.
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, type ClientOptions } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { Model } from '../core/types.js';
import { withCacheBreakpoints } from './cache-control.js';
import { ResponseAssembler } from './anthropic-response.js';
import { classifyFailure, describeSdkError, type FailureContext } from './errors.js';
import { assertEventStream } from './stream-check.js';
import { withAnthropicIds, withReasoningFor } from './reasoning.js';
import { createRetryingModel, type RetryLoopOptions } from './retry-loop.js';

export interface AnthropicModelOptions extends Partial<Omit<RetryLoopOptions, 'secrets' | 'providerName'>> {
  model: string;
  /** Sent as x-api-key. Wins over `authToken` when both are set, as in the SDK. Without either, the SDK's env defaults apply. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer`. */
  authToken?: string;
  /** Defaults to ANTHROPIC_BASE_URL, then https://api.anthropic.com. */
  baseURL?: string;
  /** Extra headers sent with every request (models file). */
  headers?: Record<string, string>;
  /** What error messages tell the user to check; defaults name Anthropic's variables. */
  hints?: Partial<Pick<FailureContext, 'keyHint' | 'baseUrlHint' | 'modelHint' | 'listenHint'>>;
}

/** Creates a Model backed by the official SDK with its retries off; see `Model` for the stream contract. */
export function createAnthropicModel(options: AnthropicModelOptions): Model {
  const { defaultHeaders, ...auth } = credentials(options);
  const client = new Anthropic({
    ...auth, baseURL: options.baseURL, maxRetries: 0, logLevel: 'off',
    defaultHeaders: { ...options.headers, ...defaultHeaders },
  });
  const secrets = [client.apiKey, client.authToken, options.apiKey, options.authToken];
  const ctx: FailureContext = {
    model: options.model, baseURL: client.baseURL, secrets, apiName: 'Anthropic',
    keyHint: 'ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN', baseUrlHint: 'ANTHROPIC_BASE_URL', modelHint: '--model or ANTHROPIC_MODEL',
    ...options.hints,
  };
  const classes = { APIError, APIConnectionError, APIConnectionTimeoutError };
  return createRetryingModel<RawMessageStreamEvent>(options.model, {
    async open(request, signal) {
      // Reasoning from another API kind (after /model) cannot be verified here: it stays in the transcript only.
      const messages = withAnthropicIds(withReasoningFor(request.messages, (o) => o === 'anthropic-messages'));
      const parts = withCacheBreakpoints({ ...request, messages });
      const { data, response } = await client.messages.create({
        model: options.model,
        max_tokens: request.maxTokens,
        ...(parts.system.length > 0 && { system: parts.system }),
        messages: parts.messages as Anthropic.MessageParam[],
        ...(parts.tools.length > 0 && { tools: parts.tools as Anthropic.Tool[] }),
        stream: true,
      }, { signal }).withResponse();
      assertEventStream(response);
      return data;
    },
    assembler: () => new ResponseAssembler(),
    classify: (error) => classifyFailure(describeSdkError(error, classes), ctx),
  }, { ...options, secrets, providerName: 'the Anthropic provider' });
}

/**
 * SDK 1.x sends an API key as a bearer token; we send it as x-api-key, which the API and the gateways people put
 * behind ANTHROPIC_BASE_URL accept, and keep bearer for auth tokens.
 */
function credentials(options: AnthropicModelOptions): ClientOptions & { defaultHeaders?: Record<string, string | null> } {
  if (options.apiKey) return { apiKey: options.apiKey, defaultHeaders: { 'x-api-key': options.apiKey, authorization: null } };
  if (options.authToken) return { authToken: options.authToken };
  return {};
}
