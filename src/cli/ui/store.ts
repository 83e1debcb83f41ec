// A value that changes and the views that follow it. publish() coalesces bursts (streamed text, tool output)
// into at most one update per interval, so rendering never falls behind; publishNow() is for keystrokes.

export class Store<T> {
  #value: T;
  #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #build: () => T;

  /** `build` makes a fresh snapshot from the owner's state; it runs at most once per publish. */
  constructor(build: () => T, readonly intervalMs = 50) {
    this.#build = build;
    this.#value = build();
  }

  get = (): T => this.#value;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Schedules an update within `intervalMs`; calls in between are merged. */
  publish(): void {
    this.#timer ??= setTimeout(() => this.publishNow(), this.intervalMs);
  }

  publishNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#value = this.#build();
    for (const l of this.#listeners) l();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }
}
