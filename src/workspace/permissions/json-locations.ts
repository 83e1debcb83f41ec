// A strict JSON parser that remembers where each value starts, so settings errors can name a line and column.

/** 1-based line and column. */
export interface Location {
  line: number;
  column: number;
}

/** Invalid JSON, located. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(message: string, readonly location: Location) {
    super(message);
  }
}

/** The parsed value and, for each value in it, where it starts; keys are paths joined by "\0". */
export interface LocatedJson {
  value: unknown;
  locations: Map<string, Location>;
}

const pathKey = (path: readonly PropertyKey[]): string => path.map(String).join('\0');

/** Finds the location of the value at `path`, or of its nearest ancestor that has one. */
export function locate(json: LocatedJson, path: readonly PropertyKey[]): Location {
  for (let n = path.length; n >= 0; n--) {
    const loc = json.locations.get(pathKey(path.slice(0, n)));
    if (loc) return loc;
  }
  return { line: 1, column: 1 };
}

export function parseJsonWithLocations(text: string): LocatedJson {
  const locations = new Map<string, Location>();
  let i = 0;
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const at = (index: number): Location => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo] + 1 };
  };
  const fail = (message: string, index = i): never => {
    throw new JsonSyntaxError(message, at(index));
  };
  const describe = (index: number) => (index >= text.length ? 'the end of the file' : `${JSON.stringify(text[index])}`);
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (c: string, what: string) => {
    space();
    if (text[i] !== c) fail(`expected ${what} but found ${describe(i)}`);
    i++;
  };

  const value = (path: string[]): unknown => {
    space();
    locations.set(pathKey(path), at(i));
    const c = text[i];
    if (c === '{') return object(path);
    if (c === '[') return array(path);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (c === "'") fail('strings must use double quotes (") in JSON');
    return fail(`expected a value but found ${describe(i)}`);
  };

  /** Reads the items of an object or array from its opening bracket to `close`; `item` reads one. */
  const items = (close: '}' | ']', after: string, item: () => void): void => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail(`expected "," or "${close}" after ${after} but found ${describe(i)}`);
      i++;
      space();
      if (text[i] === close) fail(`trailing comma before "${close}" is not allowed in JSON`);
    }
  };

  const object = (path: string[]) => {
    const out: Record<string, unknown> = {};
    items('}', 'a property value', () => {
      space();
      if (text[i] !== '"') fail(`expected a property name in double quotes but found ${describe(i)}`);
      const key = string();
      expect(':', `":" after property name ${JSON.stringify(key)}`);
      Object.defineProperty(out, key, { value: value([...path, key]), enumerable: true, writable: true, configurable: true });
    });
    return out;
  };

  const array = (path: string[]) => {
    const out: unknown[] = [];
    items(']', 'an array element', () => {
      out.push(value([...path, String(out.length)]));
    });
    return out;
  };

  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i];
      if (c === '"') break;
      if (c === '\n' || c < ' ') fail('control character (such as a line break) inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string');
          i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) fail(`invalid escape \\${e ?? ''} in string`);
        i += 2;
        continue;
      }
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const number = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail('invalid number');
    i += m[0].length;
    return Number(m[0]);
  };

  const result = value([]);
  space();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  return { value: result, locations };
}
