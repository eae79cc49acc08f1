/**
 * Hook manifests read the way helm's Kubernetes client reads them: YAML 1.1 as go-yaml v2 resolves plain
 * scalars (sigs.k8s.io/yaml), not YAML 1.2. So `0644` is the octal 420, `yes`/`on`/`y` are booleans, `1_000`
 * is 1000, `08` is the float 8, and a timestamp-looking scalar stays a string. Quoted and block scalars are
 * always strings. Map keys that resolve to numbers or booleans become strings, as sigs.k8s.io/yaml makes them.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  type Scalar,
} from 'yaml';

const TAG = 'tag:yaml.org,2002:';

const BY_NAME = new Map<string, unknown>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BY_NAME.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BY_NAME.set(s, false);
for (const s of ['', '~', 'null', 'Null', 'NULL']) BY_NAME.set(s, null);
for (const s of ['.nan', '.NaN', '.NAN']) BY_NAME.set(s, Number.NaN);
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) BY_NAME.set(s, Number.POSITIVE_INFINITY);
for (const s of ['-.inf', '-.Inf', '-.INF']) BY_NAME.set(s, Number.NEGATIVE_INFINITY);

const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b prefixes; a leading 0 is octal), as a BigInt. */
function goParseInt(text: string, min: bigint, max: bigint): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const [, sign, digits = ''] = m;
  let value: bigint;
  if (/^0[oO]/.test(digits)) value = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  if (sign === '-') value = -value;
  return value >= min && value <= max ? value : undefined;
}

/** The value go-yaml v2 gives a plain (unquoted) scalar when decoding into interface{}. */
export function resolvePlainScalar(text: string): unknown {
  if (BY_NAME.has(text)) return BY_NAME.get(text);
  const first = text[0] ?? '';
  if (first === '.') {
    const f = goParseFloat(text);
    return f === undefined ? text : f;
  }
  if (!/[-+0-9]/.test(first)) return text;
  if (looksLikeTimestamp(text)) return text;
  const plain = text.replaceAll('_', '');
  const int =
    goParseInt(plain, INT64_MIN, INT64_MAX) ?? (plain.startsWith('-') ? undefined : goParseInt(plain, 0n, UINT64_MAX));
  if (int !== undefined) return Number(int);
  if (GO_FLOAT.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return f;
  }
  return text;
}

function goParseFloat(text: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** go-yaml v2's timestamp forms (kept as the original string when decoded into interface{}). */
function looksLikeTimestamp(text: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/.test(
    text,
  );
}

function scalarValue(node: Scalar): unknown {
  const text = String(node.value ?? '');
  const tag = node.tag;
  if (tag === `${TAG}str` || tag === '!') return text;
  if (tag === `${TAG}binary`) return text.replace(/\s+/g, '');
  if (node.type !== 'PLAIN' && tag === undefined) return text;
  return resolvePlainScalar(text);
}

/** A map key as sigs.k8s.io/yaml turns it into a JSON object key. */
function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') {
    if (Number.isInteger(key)) return String(key);
    if (Number.isNaN(key)) return '.nan';
    if (!Number.isFinite(key)) return key > 0 ? '.inf' : '-.inf';
    return String(Math.fround(key));
  }
  if (key === null) throw new Error('a map key is null');
  throw new Error('a map key is not a scalar');
}

function toValue(node: unknown, doc: Document): unknown {
  if (isAlias(node)) return toValue((node as Alias).resolve(doc), doc);
  if (isScalar(node)) return scalarValue(node);
  if (isSeq(node)) return node.items.map((item) => toValue(item, doc));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merged: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const rawKey = isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.value === '<<' ? '<<' : undefined;
      if (rawKey === '<<') {
        // Merge keys: the merged maps' entries, earlier maps first, never over an explicit key.
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources.reverse()) Object.assign(merged, toValue(source, doc) as Record<string, unknown>);
        continue;
      }
      out[keyString(toValue(pair.key, doc))] = toValue(pair.value, doc);
    }
    return { ...merged, ...out };
  }
  if (node === null || node === undefined) return null;
  return (node as Node).toJSON();
}

/** Every non-empty document of a YAML stream, decoded as helm's Kubernetes client decodes it. */
export function parseYaml11Documents(text: string): unknown[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', version: '1.1', uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const values: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message ?? 'invalid YAML');
    if (doc.contents === null) continue;
    const value = toValue(doc.contents, doc);
    if (value !== null) values.push(value);
  }
  return values;
}
