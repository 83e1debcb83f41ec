// Local reasoning models served without a reasoning parser (Qwen3, DeepSeek-R1 under llama.cpp or older Ollama)
// write their reasoning into the answer as <think>…</think>: it is split off as thinking, as it streams.

const OPEN = '<think>';
const CLOSE = '</think>';

export type Piece = { kind: 'text' | 'thinking'; text: string };

/** Feeds content deltas; returns what can be shown so far. Only a reply that starts with <think> is split. */
export class ThinkTagSplitter {
  /** `after`: just past </think>, where the blank lines before the answer are dropped. */
  #state: 'start' | 'thinking' | 'after' | 'text' = 'start';
  #pending = '';

  push(delta: string): Piece[] {
    if (this.#state === 'text') return [{ kind: 'text', text: delta }];
    if (this.#state === 'after') {
      const text = delta.replace(/^\s+/, '');
      if (!text) return [];
      this.#state = 'text';
      return [{ kind: 'text', text }];
    }
    this.#pending += delta;
    if (this.#state === 'start') {
      const lead = this.#pending.trimStart();
      if (lead.length < OPEN.length && OPEN.startsWith(lead)) return [];
      if (!lead.startsWith(OPEN)) return this.#toText();
      this.#state = 'thinking';
      this.#pending = lead.slice(OPEN.length);
    }
    const end = this.#pending.indexOf(CLOSE);
    if (end >= 0) {
      const thought = this.#pending.slice(0, end);
      const rest = this.#pending.slice(end + CLOSE.length).replace(/^\s+/, '');
      this.#state = rest ? 'text' : 'after';
      this.#pending = '';
      return [...(thought && [{ kind: 'thinking' as const, text: thought }] || []), ...(rest && [{ kind: 'text' as const, text: rest }] || [])];
    }
    // Hold back what could be the start of </think>.
    const keep = partialSuffix(this.#pending, CLOSE);
    const ready = this.#pending.slice(0, this.#pending.length - keep);
    this.#pending = this.#pending.slice(this.#pending.length - keep);
    return ready ? [{ kind: 'thinking', text: ready }] : [];
  }

  /** What is still held at the end of the stream. */
  flush(): Piece[] {
    const rest = this.#pending;
    this.#pending = '';
    if (!rest) return [];
    return [{ kind: this.#state === 'thinking' ? 'thinking' : 'text', text: rest }];
  }

  #toText(): Piece[] {
    this.#state = 'text';
    const text = this.#pending;
    this.#pending = '';
    return [{ kind: 'text', text }];
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (tag.startsWith(text.slice(-n))) return n;
  return 0;
}
