// The prompt as a value: editor, folded pastes and history browsing, and what each key does to it. Keys the
// prompt does not own (submit, Tab completion, Ctrl+D at an empty line) come back as an effect for the caller.
import * as ed from './editor.js';
import type { EditorState } from './editor.js';
import type { KeyEvent } from './keys.js';
import { expandPastes, placeholderFor, shouldFold, type FoldedPaste } from './paste.js';

export interface PromptState {
  editor: EditorState;
  pastes: FoldedPaste[];
  /** Oldest first; the store's entries plus this run's. */
  history: readonly string[];
  /** Which history entry is shown, or undefined while editing a fresh line. */
  historyIndex?: number;
  /** The fresh line, kept while browsing history. */
  draft?: EditorState;
}

export type PromptEffect =
  /** `text` has pastes expanded; `entry` is what history keeps. */
  | { type: 'submit'; text: string; entry: string }
  | { type: 'complete' }
  | { type: 'eof' };

export interface PromptResult { state: PromptState; effect?: PromptEffect }

export function initialPrompt(history: readonly string[]): PromptState {
  return { editor: ed.emptyEditor, pastes: [], history };
}

/** The prompt after sending: empty, with the entry added to history. */
export function afterSubmit(state: PromptState, entry: string): PromptState {
  const history = entry && state.history.at(-1) !== entry ? [...state.history, entry] : state.history;
  return initialPrompt(history);
}

export function withEditor(state: PromptState, editor: EditorState): PromptState {
  return { ...state, editor };
}

export function promptKey(state: PromptState, ev: KeyEvent): PromptResult {
  const edit = (f: (s: EditorState) => EditorState): PromptResult => ({ state: { ...state, editor: f(state.editor) } });
  if (ev.type === 'text') return edit((s) => ed.insert(s, ev.text));
  if (ev.type === 'paste') return { state: paste(state, ev.text) };
  const k = ev.key;
  if (k.name === 'return') {
    if (k.shift || k.meta) return edit((s) => ed.insert(s, '\n'));
    const { text, cursor } = state.editor;
    // A backslash before the cursor asks for a new line, as in a shell.
    if (cursor > 0 && text[cursor - 1] === '\\') return edit((s) => ed.insert(ed.backspace(s), '\n'));
    if (!text.trim()) return { state };
    return { state, effect: { type: 'submit', text: expandPastes(text, state.pastes), entry: historyEntry(state) } };
  }
  if (k.ctrl && !k.meta) {
    switch (k.name) {
      case 'a': return edit(ed.lineStart);
      case 'e': return edit(ed.lineEnd);
      case 'b': return edit(ed.left);
      case 'f': return edit(ed.right);
      case 'h': return edit(ed.backspace);
      case 'w': return edit(ed.deleteWordBefore);
      case 'u': return edit(ed.killToLineStart);
      case 'k': return edit(ed.killToLineEnd);
      case 'p': return history(state, -1);
      case 'n': return history(state, +1);
      case 'd': return state.editor.text ? edit(ed.deleteForward) : { state, effect: { type: 'eof' } };
      case 'left': return edit(ed.wordLeft);
      case 'right': return edit(ed.wordRight);
      case 'backspace': return edit(ed.deleteWordBefore);
      default: return { state };
    }
  }
  if (k.meta) {
    switch (k.name) {
      case 'b': case 'left': return edit(ed.wordLeft);
      case 'f': case 'right': return edit(ed.wordRight);
      case 'd': return edit(ed.deleteWordAfter);
      case 'backspace': return edit(ed.deleteWordBefore);
      default: return { state };
    }
  }
  switch (k.name) {
    case 'left': return edit(ed.left);
    case 'right': return edit(ed.right);
    case 'home': return edit(ed.lineStart);
    case 'end': return edit(ed.lineEnd);
    case 'backspace': return edit(ed.backspace);
    case 'delete': return edit(ed.deleteForward);
    case 'up': {
      const moved = ed.up(state.editor);
      return moved ? { state: { ...state, editor: moved } } : history(state, -1);
    }
    case 'down': {
      const moved = ed.down(state.editor);
      return moved ? { state: { ...state, editor: moved } } : history(state, +1);
    }
    case 'tab': return k.shift ? { state } : { state, effect: { type: 'complete' } };
    default: return { state };
  }
}

function paste(state: PromptState, text: string): PromptState {
  const clean = text.replace(/\t/g, '    ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  if (!shouldFold(clean)) return { ...state, editor: ed.insert(state.editor, clean) };
  const placeholder = placeholderFor(clean, state.pastes);
  return { ...state, editor: ed.insert(state.editor, placeholder), pastes: [...state.pastes, { placeholder, text: clean }] };
}

/** History keeps the expanded text unless it is huge; then the placeholder stands in. */
function historyEntry(state: PromptState): string {
  const expanded = expandPastes(state.editor.text, state.pastes);
  return expanded.length <= 10_000 ? expanded : state.editor.text;
}

function history(state: PromptState, step: -1 | 1): PromptResult {
  const n = state.history.length;
  const current = state.historyIndex ?? n;
  const next = Math.max(0, Math.min(n, current + step));
  if (next === current) return { state };
  if (next === n) return { state: { ...state, editor: state.draft ?? ed.emptyEditor, historyIndex: undefined, draft: undefined } };
  const draft = state.historyIndex === undefined ? state.editor : state.draft;
  return { state: { ...state, editor: ed.editorOf(state.history[next]!), historyIndex: next, draft } };
}
