import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseGoDuration } from '../../src/util/duration.js';

test('parses Go durations as helm --timeout does', () => {
  assert.is(parseGoDuration('5m'), 300_000);
  assert.is(parseGoDuration('90s'), 90_000);
  assert.is(parseGoDuration('1h2m3s'), 3_723_000);
  assert.is(parseGoDuration('1.5s'), 1500);
  assert.is(parseGoDuration('300ms'), 300);
  assert.is(parseGoDuration('0'), 0);
  assert.is(parseGoDuration('-2s'), -2000);
});

test('rejects what Go rejects, with a message naming the value', () => {
  for (const bad of ['', '5', 'abc', '5 m', 'm', '1x', '.s', '1h-2m']) {
    assert.throws(
      () => parseGoDuration(bad),
      (e: Error) => e.message.includes(`"${bad}"`),
      bad,
    );
  }
});

test('formats durations for summaries', () => {
  assert.is(formatDuration(250), '250ms');
  assert.is(formatDuration(1234), '1.2s');
  assert.is(formatDuration(75_000), '1m15s');
});

test.run();
