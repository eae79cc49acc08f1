/**
 * JSON that keeps every number exactly as written. Helm's release JSON holds Go int64 values (hook weights up
 * to 2^63, user values) that JSON.parse would round past 2^53; the plugin reads weights exactly and writes
 * release records back without changing a value it did not mean to change.
 *
 * A number whose text JSON.stringify reproduces stays a JS number; any other becomes an ExactNumber, which
 * stringify() writes back verbatim.
 */
/**
 * While stringifyExact runs, ExactNumber.toJSON returns MARK plus its text, a string JSON.stringify writes as
 * `"\u0000<tag><text>"`; those are then replaced by the bare text. The tag is random per process, so no
 * string of the user's can be mistaken for a mark.
 */
const MARK_TAG = Math.random().toString(36).slice(2, 12).padEnd(10, '0');
const MARK = `\u0000${MARK_TAG}`;
const MARKED = `"\\u0000${MARK_TAG}`;
const MARKED_NUMBER = new RegExp(`"\\\\u0000${MARK_TAG}(-?[0-9][0-9.eE+-]*)"`, 'g');
let marking = false;

export class ExactNumber {
  constructor(readonly text: string) {}
  toJSON(): number | string {
    return marking ? MARK + this.text : Number(this.text);
  }
}

/** A JSON integer as a BigInt (weights), or undefined when it is not an integer. */
export function toBigInt(value: unknown): bigint | undefined {
  const text = value instanceof ExactNumber ? value.text : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return BigInt(text);
}

export function parseExact(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} of the JSON`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        const v = value();
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === '}') return obj;
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === ']') return arr;
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      const n = Number(m[0]);
      return JSON.stringify(n) === m[0] ? n : new ExactNumber(m[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail('unexpected character');
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('unexpected text after the value');
  return result;
}

/**
 * JSON.stringify, writing ExactNumbers as their original text. Native JSON.stringify does the walk (a release
 * record of 500 hooks is written many times a run: a recursive walk in JS cost ~13 ms a write, most of the
 * plugin's CPU); the marks its ExactNumbers leave are replaced afterwards.
 */
export function stringifyExact(value: unknown): string {
  marking = true;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } finally {
    marking = false;
  }
  if (text === undefined) return 'null';
  return text.includes(MARKED) ? text.replace(MARKED_NUMBER, '$1') : text;
}
