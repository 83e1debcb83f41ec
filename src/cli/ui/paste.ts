// Large pastes fold into a placeholder such as "[pasted 240 lines]" so the input stays editable; the text
// they stand for goes back in when the prompt is sent.

export interface FoldedPaste {
  placeholder: string;
  text: string;
}

/** Pastes at least this many lines, or this many characters, are folded. */
export const FOLD_LINES = 10;
export const FOLD_CHARS = 2000;

export function shouldFold(text: string): boolean {
  return text.length >= FOLD_CHARS || text.split('\n').length >= FOLD_LINES;
}

/** A placeholder unlike any already in use (a second paste of the same size gets "#2"). */
export function placeholderFor(text: string, existing: FoldedPaste[]): string {
  const lines = text.split('\n').length;
  const base = lines > 1 ? `pasted ${lines} lines` : `pasted ${text.length} characters`;
  const taken = new Set(existing.map((p) => p.placeholder));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `[${base}]` : `[${base} #${n}]`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Puts each folded paste whose placeholder is still intact back into the text. */
export function expandPastes(text: string, pastes: FoldedPaste[]): string {
  let out = text;
  for (const p of pastes) {
    const at = out.indexOf(p.placeholder);
    if (at >= 0) out = out.slice(0, at) + p.text + out.slice(at + p.placeholder.length);
  }
  return out;
}
