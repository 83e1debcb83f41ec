// Permission questions as a dialog: the Approver the runtime calls, the open question, and the keys that
// answer it (y, a, n then an optional reason; Esc denies). While a question is open it takes every key.
import type { ApprovalAnswer, ApprovalRequest, Approver } from '../../workspace/approval.js';
import * as ed from './editor.js';
import type { EditorState } from './editor.js';
import type { KeyEvent } from './keys.js';

export interface ApprovalDialog {
  request: ApprovalRequest;
  /** 'choose' waits for y/a/n; 'reason' takes a line of text for the model. */
  step: 'choose' | 'reason';
  reason: EditorState;
}

interface Open extends ApprovalDialog {
  resolve: (answer: ApprovalAnswer) => void;
}

export class Approvals {
  #open: Open | undefined;

  /** `changed` runs when a question opens, changes or closes; `answered` reports each answer. */
  constructor(
    private readonly changed: () => void,
    private readonly answered: (request: ApprovalRequest, answer: ApprovalAnswer) => void = () => {},
  ) {}

  get dialog(): ApprovalDialog | undefined {
    if (!this.#open) return undefined;
    const { request, step, reason } = this.#open;
    return { request, step, reason };
  }

  approver: Approver = (request, signal) => new Promise<ApprovalAnswer>((resolve) => {
    if (signal?.aborted) return resolve({ kind: 'deny', reason: 'interrupted' });
    const onAbort = () => this.#finish({ kind: 'deny', reason: 'interrupted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#open = {
      request, step: 'choose', reason: ed.emptyEditor,
      resolve: (answer) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(answer);
      },
    };
    this.changed();
  });

  /** Handles a key while a question is open; false when none is. */
  key(ev: KeyEvent): boolean {
    const open = this.#open;
    if (!open) return false;
    const k = ev.type === 'key' ? ev.key : undefined;
    if (open.step === 'choose') {
      const ch = ev.type === 'text' ? ev.text.toLowerCase() : '';
      if (ch === 'y') this.#finish({ kind: 'once' });
      else if (ch === 'a' && open.request.suggestedRule) this.#finish({ kind: 'always' });
      else if (ch === 'n') this.#set({ step: 'reason' });
      else if (k?.name === 'escape') this.#finish({ kind: 'deny' });
      return true;
    }
    if (k?.name === 'escape') this.#finish({ kind: 'deny' });
    else if (k?.name === 'return' && !k.shift && !k.meta) {
      const reason = open.reason.text.trim();
      this.#finish({ kind: 'deny', ...(reason ? { reason } : {}) });
    } else if (ev.type === 'text' || ev.type === 'paste') {
      this.#set({ reason: ed.insert(open.reason, ev.text.replace(/\s+/g, ' ')) });
    } else if (k?.name === 'backspace') this.#set({ reason: ed.backspace(open.reason) });
    else if (k?.ctrl && k.name === 'w') this.#set({ reason: ed.deleteWordBefore(open.reason) });
    else if (k?.ctrl && k.name === 'u') this.#set({ reason: ed.emptyEditor });
    else if (k?.name === 'left') this.#set({ reason: ed.left(open.reason) });
    else if (k?.name === 'right') this.#set({ reason: ed.right(open.reason) });
    return true;
  }

  /** Closes an open question as a denial (the turn was interrupted, or tandem is leaving). */
  cancel(reason = 'interrupted'): void {
    if (this.#open) this.#finish({ kind: 'deny', reason });
  }

  #set(patch: Partial<ApprovalDialog>): void {
    Object.assign(this.#open!, patch);
    this.changed();
  }

  #finish(answer: ApprovalAnswer): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    this.answered(open.request, answer);
    open.resolve(answer);
    this.changed();
  }
}
