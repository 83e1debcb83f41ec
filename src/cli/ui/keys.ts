// Turns what the terminal sends (as ink splits it: text runs and single escape sequences) into key presses,
// typed text and pastes. Knows legacy xterm sequences, bracketed paste, the kitty protocol's CSI-u and xterm's
// modifyOtherKeys, so Shift+Enter works wherever the terminal tells it apart.

export interface Key {
  /** 'return', 'tab', 'backspace', 'delete', 'escape', 'up', 'down', 'left', 'right', 'home', 'end',
   *  'pageup', 'pagedown', 'insert', or the character for letters and symbols ('a', 'b', '/'). */
  name: string;
  ctrl: boolean;
  /** Alt / Option (sent as an ESC prefix or as a modifier). */
  meta: boolean;
  shift: boolean;
}

export type KeyEvent =
  | { type: 'key'; key: Key }
  | { type: 'text'; text: string }
  | { type: 'paste'; text: string };

const ESC = '\x1b';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/** A bracketed paste that never ends is cut here rather than growing without bound. */
const MAX_PASTE_CHARS = 8 * 1024 * 1024;

export const key = (name: string, mods: Partial<Omit<Key, 'name'>> = {}): Key =>
  ({ name, ctrl: false, meta: false, shift: false, ...mods });

const CSI_TILDE: Record<string, string> = {
  1: 'home', 2: 'insert', 3: 'delete', 4: 'end', 5: 'pageup', 6: 'pagedown', 7: 'home', 8: 'end',
};
const CSI_FINAL: Record<string, string> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
};
const CODEPOINT_NAMES: Record<number, string> = {
  9: 'tab', 13: 'return', 27: 'escape', 127: 'backspace', 8: 'backspace',
};

/** Stateful because a bracketed paste spans many input events. */
export class KeyDecoder {
  #paste: string[] | undefined;
  #pasteChars = 0;

  feed(chunk: string): KeyEvent[] {
    if (this.#paste) return this.#inPaste(chunk);
    if (chunk.startsWith(PASTE_START)) {
      this.#paste = [];
      this.#pasteChars = 0;
      const rest = chunk.slice(PASTE_START.length);
      return rest ? this.#inPaste(rest) : [];
    }
    if (chunk.startsWith(ESC)) {
      const decoded = decodeEscape(chunk);
      return decoded ? [decoded] : [];
    }
    return decodeRun(chunk);
  }

  #inPaste(chunk: string): KeyEvent[] {
    const end = chunk.indexOf(PASTE_END);
    const part = end >= 0 ? chunk.slice(0, end) : chunk;
    if (this.#pasteChars < MAX_PASTE_CHARS) {
      this.#paste!.push(part);
      this.#pasteChars += part.length;
    }
    if (end < 0) return [];
    const text = normalizeNewlines(this.#paste!.join(''));
    this.#paste = undefined;
    const after = chunk.slice(end + PASTE_END.length);
    return [{ type: 'paste', text }, ...(after ? this.feed(after) : [])];
  }
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** A run of text without ESC: typed characters, control keys, or an unbracketed paste. */
function decodeRun(run: string): KeyEvent[] {
  // Several lines at once (a newline with text after it) are a paste from a terminal without bracketed paste.
  const inner = run.replace(/[\r\n]+$/, '');
  if (run.length > 1 && /[\r\n]/.test(inner)) return [{ type: 'paste', text: normalizeNewlines(run) }];
  const events: KeyEvent[] = [];
  let text = '';
  const flush = () => {
    if (text) events.push({ type: 'text', text });
    text = '';
  };
  for (const ch of run) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code !== 0x7f) {
      text += ch;
      continue;
    }
    flush();
    events.push({ type: 'key', key: controlKey(code) });
  }
  flush();
  return events;
}

function controlKey(code: number): Key {
  switch (code) {
    case 0x0d: return key('return');
    case 0x0a: return key('return', { shift: true }); // Ctrl+J, and what some terminals send for Shift+Enter
    case 0x09: return key('tab');
    case 0x7f: case 0x08: return key('backspace');
    case 0x00: return key('space', { ctrl: true });
    default:
      if (code >= 1 && code <= 26) return key(String.fromCharCode(code + 96), { ctrl: true });
      return key(`ctrl-${code}`, { ctrl: true });
  }
}

function decodeEscape(seq: string): KeyEvent | undefined {
  if (seq === ESC) return { type: 'key', key: key('escape') };
  if (seq.startsWith(`${ESC}${ESC}`)) {
    // Alt with a sequence (ESC ESC [ A) or a double Escape.
    const inner = decodeEscape(seq.slice(1));
    return inner?.type === 'key' ? { type: 'key', key: { ...inner.key, meta: true } } : inner;
  }
  if (seq.startsWith(`${ESC}[`)) return decodeCsi(seq.slice(2));
  if (seq.startsWith(`${ESC}O`) && seq.length === 3) {
    const name = CSI_FINAL[seq[2]!] ?? ({ P: 'f1', Q: 'f2', R: 'f3', S: 'f4' } as Record<string, string>)[seq[2]!];
    return name ? { type: 'key', key: key(name) } : undefined;
  }
  // ESC followed by one character: Alt+that key.
  const rest = seq.slice(1);
  if ([...rest].length !== 1) return undefined;
  const code = rest.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return { type: 'key', key: { ...controlKey(code), meta: true } };
  return { type: 'key', key: key(rest.toLowerCase(), { meta: true, shift: rest !== rest.toLowerCase() }) };
}

/** `body` is what follows ESC [ : parameters and the final byte. */
function decodeCsi(body: string): KeyEvent | undefined {
  const final = body.at(-1) ?? '';
  const params = body.slice(0, -1);
  if (final === 'I' || final === 'O') return undefined; // focus in / out
  if (final === 'Z') return { type: 'key', key: key('tab', { shift: true }) };
  const fields = params.split(';');
  const mods = modifiers(fields[1]);
  if (final === 'u') {
    // kitty: CSI code[:alternates] ; mods[:event] [; text] u
    const code = Number(fields[0]!.split(':')[0]);
    const event = fields[1]?.split(':')[1];
    if (event === '3' || !Number.isFinite(code)) return undefined; // key release
    return codepointEvent(code, modifiers(fields[1]?.split(':')[0]));
  }
  if (final === '~') {
    if (fields[0] === '27' && fields.length >= 3) return codepointEvent(Number(fields[2]), modifiers(fields[1])); // modifyOtherKeys
    const name = CSI_TILDE[fields[0]!];
    if (name === 'delete' && !mods.ctrl && !mods.meta && !mods.shift) return { type: 'key', key: key('delete') };
    return name ? { type: 'key', key: key(name, mods) } : undefined;
  }
  const name = CSI_FINAL[final];
  return name ? { type: 'key', key: key(name, mods) } : undefined;
}

function codepointEvent(code: number, mods: Omit<Key, 'name'>): KeyEvent | undefined {
  const named = CODEPOINT_NAMES[code];
  if (named) return { type: 'key', key: { name: named, ...mods } };
  if (code < 0x20) return { type: 'key', key: { ...controlKey(code), meta: mods.meta } };
  const ch = String.fromCodePoint(code);
  if (!mods.ctrl && !mods.meta) return { type: 'text', text: mods.shift ? ch.toUpperCase() : ch };
  return { type: 'key', key: { name: ch.toLowerCase(), ...mods } };
}

/** xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4, meta 8). */
function modifiers(field: string | undefined): Omit<Key, 'name'> {
  const n = Math.max(0, Number(field ?? 1) - 1) || 0;
  return { shift: !!(n & 1), meta: !!(n & 2) || !!(n & 8), ctrl: !!(n & 4) };
}
