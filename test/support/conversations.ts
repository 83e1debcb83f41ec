// Several conversations on one scripted server (a session and its subagents): each request goes to the script of
// the conversation it belongs to, told apart by the text of its first user message, whatever order they arrive in.
import { fault, type ModelServer, type RecordedRequest, type Scripted } from './model-server.js';

export interface Conversations {
  /** The requests each conversation made, in order. */
  requests(key: string): RecordedRequest[];
  /** Scripted replies not yet used, per conversation. */
  left(): Record<string, number>;
}

/**
 * `scripts` maps a text found in a conversation's first user message to its replies, in order. Keys are tried in
 * order; the first whose text appears wins (put the most specific first).
 */
export function scriptConversations(server: ModelServer, scripts: Record<string, Scripted[]>): Conversations {
  const queues = new Map(Object.entries(scripts).map(([k, v]) => [k, [...v]]));
  const seen = new Map<string, RecordedRequest[]>([...queues.keys()].map((k) => [k, []]));
  const total = [...queues.values()].reduce((n, q) => n + q.length, 0);
  const dispatch = (request: RecordedRequest) => {
    const first = JSON.stringify(request.body.messages?.[0]?.content ?? '');
    const key = [...queues.keys()].find((k) => first.includes(k));
    if (key === undefined) return fault(400, { message: `no conversation scripted for a first message of ${first.slice(0, 200)}` });
    seen.get(key)!.push(request);
    const next = queues.get(key)!.shift();
    if (!next) return fault(400, { message: `conversation "${key}" has no scripted reply left` });
    return typeof next === 'function' ? next(request) : next;
  };
  for (let i = 0; i < total; i++) server.enqueue(dispatch);
  return {
    requests: (key) => seen.get(key) ?? [],
    left: () => Object.fromEntries([...queues].map(([k, q]) => [k, q.length])),
  };
}
