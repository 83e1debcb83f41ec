// --fallback-model: when a request to the main model fails for good as overloaded, unavailable or unknown
// before anything was streamed, the same request goes to the fallback model.
import type { Model, ModelErrorKind, ModelRequest, ModelStreamEvent } from '../core/types.js';

const FALL_BACK_ON = new Set<ModelErrorKind>(['overloaded', 'not_found', 'server', 'rate_limit', 'connection']);

export function withFallback(primary: Model, fallback: Model): Model {
  return {
    id: primary.id,
    async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
      let streamed = false;
      for await (const event of primary.stream(request)) {
        if (event.type === 'done' && !streamed && event.response.stopReason === 'error'
          && FALL_BACK_ON.has(event.response.errorKind ?? 'unknown') && !request.signal?.aborted) {
          yield { type: 'retry', attempt: 1, delayMs: 0, reason: `${primary.id} failed (${event.response.errorMessage ?? 'error'}); using the fallback model ${fallback.id}` };
          yield* fallback.stream(request);
          return;
        }
        if (event.type === 'text_delta' || event.type === 'thinking_delta' || event.type === 'tool_use_start') streamed = true;
        yield event;
      }
    },
  };
}
