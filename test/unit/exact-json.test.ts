/** helm's JSON read and written without rounding its int64 values. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExactNumber, parseExact, stringifyExact, toBigInt } from '../../src/util/exact-json.js';

test('numbers past 2^53 keep their digits; ordinary ones are plain numbers', () => {
  const v = parseExact('{"weight": 9223372036854775807, "small": -3, "f": 1.5, "e": 1e21}') as Record<string, unknown>;
  assert.ok(v.weight instanceof ExactNumber);
  assert.is(toBigInt(v.weight), 9223372036854775807n);
  assert.is(v.small, -3);
  assert.is(toBigInt(v.small), -3n);
  assert.is(v.f, 1.5);
  assert.is(toBigInt(v.f), undefined);
  assert.ok(v.e instanceof ExactNumber, '1e21 is written 1e+21 by JavaScript: kept verbatim');
});

test('a round trip changes nothing that JSON.parse would read differently', () => {
  const text = '{"a":[1,2,{"b":"x\\"y\\u003c"}],"big":-9223372036854775808,"t":true,"n":null,"u":"é"}';
  const back = stringifyExact(parseExact(text));
  assert.equal(JSON.parse(back), JSON.parse(text));
  assert.ok(back.includes('-9223372036854775808'));
});

test('a key named __proto__ is data, not a prototype', () => {
  const v = parseExact('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  assert.equal(Object.keys(v), ['__proto__']);
  assert.is(({} as Record<string, unknown>).x, undefined);
});

test('malformed JSON is an error', () => {
  for (const bad of ['{', '{"a" 1}', '[1,]', '{"a":1} x', 'nul']) assert.throws(() => parseExact(bad), bad);
});

test('exact numbers anywhere (top level, arrays, objects) are written verbatim; strings that look alike stay strings', () => {
  const text = '[1e21,{"w":9223372036854775807,"s":"\\u00001e21","n":[-1e400]}]';
  const parsed = parseExact(text);
  assert.is(stringifyExact(parsed), '[1e21,{"w":9223372036854775807,"s":"\\u00001e21","n":[-1e400]}]');
  assert.is(stringifyExact(parseExact('12345678901234567890')), '12345678901234567890');
  assert.is(stringifyExact(undefined), 'null');
  // Outside stringifyExact an ExactNumber is an ordinary (rounded) number, as JSON.stringify gives it.
  assert.is(JSON.stringify({ w: new ExactNumber('9223372036854775807') }), '{"w":9223372036854776000}');
});

test.run();
