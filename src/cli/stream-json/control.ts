// The control protocol's envelopes over stdin/stdout: requests tandem sends (can_use_tool, hook_callback) wait
// for the matching control_response; requests the SDK sends are answered with success or an error.
import { randomUUID } from 'node:crypto';
import type { SdkMessage } from './sdk-messages.js';

export type ControlPayload = Record<string, unknown>;

export class ControlChannel {
  #pending = new Map<string, { resolve: (r: ControlPayload) => void; reject: (e: Error) => void }>();
  #closed: Error | undefined;

  constructor(private readonly write: (message: SdkMessage) => void) {}

  /** Sends a request to the SDK; resolves with its response, rejects with its error (or when input ends). */
  request(request: ControlPayload & { subtype: string }, signal?: AbortSignal): Promise<ControlPayload> {
    if (this.#closed) return Promise.reject(this.#closed);
    const requestId = `tandem-${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(requestId);
        this.write({ type: 'control_cancel_request', request_id: requestId });
        reject(new Error('interrupted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(requestId, {
        resolve: (r) => { signal?.removeEventListener('abort', onAbort); resolve(r); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
      });
      this.write({ type: 'control_request', request_id: requestId, request });
    });
  }

  /** A control_response line from the SDK. */
  onResponse(message: { response?: { subtype?: string; request_id?: string; response?: ControlPayload; error?: string } }): void {
    const r = message.response;
    const waiter = r?.request_id ? this.#pending.get(r.request_id) : undefined;
    if (!r || !waiter) return;
    this.#pending.delete(r.request_id!);
    if (r.subtype === 'error') waiter.reject(new Error(r.error ?? 'the SDK answered with an error'));
    else waiter.resolve(r.response ?? {});
  }

  respond(requestId: string, response: ControlPayload = {}): void {
    this.write({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } });
  }

  respondError(requestId: string, error: string): void {
    this.write({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error } });
  }

  /** Input ended: nobody will answer what is still pending. */
  close(): void {
    this.#closed = new Error('the SDK closed its input, so nobody can answer');
    for (const waiter of this.#pending.values()) waiter.reject(this.#closed);
    this.#pending.clear();
  }
}
