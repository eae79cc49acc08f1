/** The plugin's annotations (hooks/annotations.ts): timeout, serial and the chart cap, read while planning; bad values refused before anything runs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode, UsageError } from '../../src/errors.js';
import { chartCapAnnotation, serialAnnotation, timeoutAnnotation } from '../../src/hooks/annotations.js';
import { hooksFromRelease } from '../../src/hooks/parse.js';
import { planEvent } from '../../src/hooks/plan.js';
import type { ReleaseJson } from '../../src/hooks/release-json.js';
import { planLines } from '../../src/output/format.js';
import { flavourOf, hookWaitMs } from '../../src/run/helm-behaviour.js';

function releaseWith(annotations: Record<string, string>): ReleaseJson {
  const meta = Object.entries(annotations)
    .map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`)
    .join('');
  return {
    name: 'r',
    namespace: 'ns',
    version: 1,
    hooks: [
      {
        name: 'migrate',
        kind: 'Job',
        path: 'c/templates/migrate.yaml',
        events: ['pre-install'],
        manifest: `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:${meta || ' {}'}\n`,
      },
    ],
  };
}

test('Go durations as helm --timeout reads them', () => {
  assert.is(timeoutAnnotation('20m', 'Job/j (p)'), 1_200_000);
  assert.is(timeoutAnnotation(' 1h30m ', 'Job/j (p)'), 5_400_000);
  assert.is(timeoutAnnotation('1.5s', 'Job/j (p)'), 1500);
  assert.is(timeoutAnnotation('0', 'Job/j (p)'), 0);
  assert.is(timeoutAnnotation(undefined, 'Job/j (p)'), undefined);
  assert.is(timeoutAnnotation('', 'Job/j (p)'), undefined, 'empty: --timeout applies');
});

test('an invalid value is a usage error (exit 2) naming the hook, its file and the annotation', () => {
  for (const bad of ['20', 'ten minutes', '5x', '1m-']) {
    try {
      timeoutAnnotation(bad, 'Job/migrate (c/templates/migrate.yaml)');
      assert.unreachable(`"${bad}" accepted`);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.is((error as UsageError).exitCode, ExitCode.usage);
      assert.match((error as Error).message, /Job\/migrate \(c\/templates\/migrate\.yaml\)/);
      assert.match((error as Error).message, /helm-parallel-hooks\.io\/timeout/);
      assert.match((error as Error).message, /nothing was run/);
    }
  }
});

test('parsed from the hook manifest; invalid values stop planning', () => {
  const [hook] = hooksFromRelease(releaseWith({ 'helm-parallel-hooks.io/timeout': '45s' }));
  assert.is(hook?.timeoutMs, 45_000);
  assert.is(hooksFromRelease(releaseWith({}))[0]?.timeoutMs, undefined);
  assert.throws(
    () => hooksFromRelease(releaseWith({ 'helm-parallel-hooks.io/timeout': 'soon' })),
    (error: unknown) => error instanceof UsageError && /invalid duration "soon"/.test((error as Error).message),
  );
});

test('the hook limit overrides --timeout, with each helm version rule for 0 and below', () => {
  const three = flavourOf({ major: 3, minor: 18 });
  const four = flavourOf({ major: 4, minor: 1 });
  assert.is(hookWaitMs({ flavour: three, timeoutMs: 300_000 }, { timeoutMs: 5000 }), 5000);
  assert.is(hookWaitMs({ flavour: three, timeoutMs: 300_000 }, {}), 300_000);
  assert.is(hookWaitMs({ flavour: three, timeoutMs: 1000 }, { timeoutMs: 0 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: four, timeoutMs: 1000 }, { timeoutMs: 0 }), 30_000);
});

test('the dry-run plan shows a hook timeout', () => {
  const hooks = hooksFromRelease(releaseWith({ 'helm-parallel-hooks.io/timeout': '20m' }));
  const lines = planLines([planEvent('pre-install', hooks, { parallelism: 8 })]);
  assert.ok(
    lines.some((l) => /Job\/migrate \(ns\)\s+\[timeout 20m0s from helm-parallel-hooks\.io\/timeout\]/.test(l)),
    lines.join('\n'),
  );
});

test('serial: true/false in their spellings; anything else refused before anything runs, as the timeout is', () => {
  for (const v of ['true', 'True', ' yes ', '1', 'on']) assert.is(serialAnnotation(v, 'Job/j (p)'), true, v);
  for (const v of ['false', 'FALSE', 'no', '0', 'off', '', undefined])
    assert.is(serialAnnotation(v, 'Job/j (p)'), false, String(v));
  for (const bad of ['ture', 'serial', '2']) {
    assert.throws(
      () => serialAnnotation(bad, 'Job/j (p)'),
      (e: unknown) =>
        e instanceof UsageError &&
        /Job\/j \(p\): annotation helm-parallel-hooks\.io\/serial: .* nothing was run/.test((e as Error).message),
      bad,
    );
  }
});

test('the chart cap: a whole number, or refused (it was ignored with a note before)', () => {
  assert.is(chartCapAnnotation('4', 'shop'), 4);
  assert.is(chartCapAnnotation(' 1 ', 'shop'), 1);
  assert.is(chartCapAnnotation(undefined, 'shop'), undefined);
  for (const bad of ['four', '2.5', '-1']) {
    assert.throws(
      () => chartCapAnnotation(bad, 'shop'),
      (e: unknown) =>
        e instanceof UsageError &&
        /Chart\.yaml of shop: annotation helm-parallel-hooks\.io\/max-parallelism/.test((e as Error).message),
      bad,
    );
  }
});

test.run();
