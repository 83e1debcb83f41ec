// The Model for a target. The Anthropic SDK comes with this module (as it always has); the OpenAI SDK is
// loaded only when an OpenAI API kind is chosen.
import type { Model } from '../core/types.js';
import { createAnthropicModel } from './anthropic.js';
import type { OpenAIModelOptions } from './openai-common.js';
import type { ModelTarget } from './target.js';

export interface ModelOptions {
  maxAttempts?: number;
  idleTimeoutMs?: number;
}

export async function createModelFor(target: ModelTarget, options: ModelOptions = {}): Promise<Model> {
  const hints = {
    keyHint: target.keyHint, baseUrlHint: target.baseUrlHint,
    modelHint: target.provider.id === 'anthropic' ? '--model or ANTHROPIC_MODEL' : '--model',
    ...(target.provider.listenHint && { listenHint: target.provider.listenHint }),
  };
  if (target.api === 'anthropic-messages') {
    return createAnthropicModel({
      model: target.model, apiKey: target.apiKey, authToken: target.authToken, baseURL: target.baseURL,
      headers: target.provider.headers, ...options, hints,
    });
  }
  const openai: OpenAIModelOptions = {
    model: target.model, apiKey: target.apiKey, baseURL: target.baseURL!, headers: target.provider.headers,
    compat: target.compat, apiName: target.provider.label, hints, reasoning: target.info?.reasoning, ...options,
  };
  if (target.api === 'openai-responses') {
    const { createOpenAIResponsesModel } = await import('./openai-responses.js');
    return createOpenAIResponsesModel(openai);
  }
  const { createOpenAIChatModel } = await import('./openai-chat.js');
  return createOpenAIChatModel(openai);
}

