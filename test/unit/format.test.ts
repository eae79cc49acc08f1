/** The plan printed for --dry-run and the per-event summary line. Hooks can be Secrets: never a manifest. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hooksFromRelease } from '../../src/hooks/parse.js';
import { planEvent } from '../../src/hooks/plan.js';
import type { ReleaseJson } from '../../src/hooks/release-json.js';
import type { EventSummary } from '../../src/hooks/results.js';
import { planLines, summaryLine } from '../../src/output/format.js';

function release(version: string): ReleaseJson {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/helm/${version}/render-install.json`, import.meta.url), 'utf8'),
  ) as ReleaseJson;
}

for (const parallelism of [1, 4]) {
  test(`planLines (N=${parallelism}) never shows manifest content, and names every hook kind/name (namespace)`, () => {
    const rel = release('3.18.0');
    const hooks = hooksFromRelease(rel);
    const plans = [planEvent('pre-install', hooks, { parallelism }), planEvent('post-install', hooks, { parallelism })];
    const lines = planLines(plans);
    const text = lines.join('\n');
    // The Secret hook's value, and other manifest content, never appear.
    assert.not.ok(text.includes('do-not-print-me'), 'secret value printed');
    assert.not.ok(text.includes('password'), 'secret key printed');
    for (const leak of ['busybox', 'echo hook', 'apiVersion', 'helm.sh/hook', 'stringData', 'serviceAccountName']) {
      assert.not.ok(text.includes(leak), `manifest content "${leak}" printed`);
    }
    // Every planned hook is named, once per event it runs in.
    const ns = rel.namespace;
    for (const plan of plans) {
      for (const h of plan.hooks) assert.ok(text.includes(`${h.kind}/${h.name} (${ns})`), `${h.kind}/${h.name}`);
    }
    const count = (label: string) => lines.filter((l) => l.includes(label)).length;
    assert.is(count(`Secret/sec (${ns})`), 1);
    assert.is(count(`Job/neg (${ns})`), 2, 'neg runs at pre-install and post-install');
    assert.is(count(`Pod/t (${ns})`), 0, 'test hooks are not planned');
    // Each event says how many hooks and tiers, and its parallelism.
    assert.ok(
      lines.some(
        (l) =>
          l.startsWith('pre-install') &&
          l.includes('5 hook') &&
          l.includes('3 tier') &&
          l.includes(`parallelism ${parallelism}`),
      ),
    );
    assert.ok(lines.some((l) => l.startsWith('post-install') && l.includes('2 hook') && l.includes('2 tier')));
    // Tiers in weight order.
    const tierLines = lines.filter((l) => l.includes('tier') && l.includes('weight'));
    assert.ok(
      tierLines.slice(0, 3).every((l, i) => l.includes(`weight ${[-3, 0, 5][i]}`)),
      tierLines.join(' | '),
    );
  });
}

test('planLines marks a serial-annotated hook', () => {
  const rel = release('4.1.4');
  const hook = rel.hooks?.find((h) => h.name === 'a-job');
  if (!hook) throw new Error('fixture');
  hook.manifest = hook.manifest.replace(
    '  annotations:\n',
    '  annotations:\n    "helm-parallel-hooks.io/serial": "true"\n',
  );
  const lines = planLines([planEvent('pre-install', hooksFromRelease(rel), { parallelism: 4 })]);
  const line = lines.find((l) => l.includes('Job/a-job'));
  assert.match(line ?? '', /serial/);
  assert.not.match(lines.find((l) => l.includes('Job/neg')) ?? '', /serial\]/);
});

const summary = (over: Partial<EventSummary> = {}): EventSummary => ({
  event: 'pre-upgrade',
  hooks: 5,
  tiers: 3,
  parallelism: 4,
  wallMs: 1234,
  serialMs: 75_000,
  failed: 0,
  notStarted: 0,
  ...over,
});

test('summaryLine: event, hooks, tiers, wall time, serial time and parallelism', () => {
  const line = summaryLine(summary());
  assert.ok(line.startsWith('pre-upgrade'), line);
  assert.match(line, /5 hooks in 3 tiers/);
  assert.match(line, /1\.2s wall/); // 1234 ms
  assert.match(line, /1m15s/); // 75 s of hook time, the serial cost
  assert.match(line, /parallelism 4/);
  assert.match(line, /done/);
  assert.not.match(line, /FAIL/);
});

test('summaryLine: singular hook and tier', () => {
  const line = summaryLine(summary({ hooks: 1, tiers: 1, wallMs: 250, serialMs: 250, parallelism: 1 }));
  assert.match(line, /1 hook in 1 tier,/);
  assert.match(line, /250ms wall/);
});

test('summaryLine: a failed event says how many failed and how many never started', () => {
  const line = summaryLine(summary({ failed: 2, notStarted: 3 }));
  assert.match(line, /FAILED/);
  assert.match(line, /2 failed/);
  assert.match(line, /3 not started/);
  assert.not.match(summaryLine(summary({ failed: 1, notStarted: 0 })), /not started/);
});

test.run();
