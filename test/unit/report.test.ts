/** The hook report: built from recorded events, as JSON (checked against its schema), JUnit XML and Markdown. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hook } from '../../src/hooks/model.js';
import { planEvent } from '../../src/hooks/plan.js';
import type { HookResult, PodReport } from '../../src/hooks/results.js';
import { reportJson } from '../../src/report/json.js';
import { reportJunit, xmlEscape } from '../../src/report/junit.js';
import { buildReport, type RecordedEvent, type ReportMeta } from '../../src/report/model.js';
import { Recorder } from '../../src/report/record.js';
import { ganttLabel, stepSummary } from '../../src/report/step-summary.js';
import { makeHook } from './hook-factory.js';
import { ganttBars, junitCases, schemaErrors } from './report-check.js';

const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const failedPod: PodReport = {
  name: 'bad-x7k2p',
  phase: 'Failed',
  containers: [{ name: 'main', state: 'terminated', exitCode: 3, reason: 'Error', restarts: 0 }],
};

/** pre-install at N=2: tier 1 = a, b (parallel), c; tier 2 = d (never started after c failed). */
function recorded(): { event: RecordedEvent; hooks: Record<string, Hook> } {
  const hooks = {
    a: makeHook('a', { weight: 0 }),
    b: makeHook('bad', { weight: 0, timeoutMs: 1_200_000 }),
    c: makeHook('cm', { weight: 0, kind: 'ConfigMap' }),
    d: makeHook('d', { weight: 5 }),
  };
  const plan = planEvent('pre-install', Object.values(hooks), { parallelism: 2 });
  const results = new Map<Hook, HookResult>([
    [hooks.c, { hook: hooks.c, ok: true, startedAt: T0, endedAt: T0 + 40 }],
    [hooks.a, { hook: hooks.a, ok: true, startedAt: T0 + 50, endedAt: T0 + 2050, pods: [] }],
    [
      hooks.b,
      {
        hook: hooks.b,
        ok: false,
        stage: 'wait',
        reason: 'job failed: BackoffLimitExceeded; pod bad-x7k2p container main exited 3 (Error)',
        helmError: 'job bad failed: BackoffLimitExceeded',
        startedAt: T0 + 50,
        endedAt: T0 + 1550,
        diagnosis: {
          condition: 'Failed (BackoffLimitExceeded): Job has reached the specified backoff limit',
          pods: [failedPod],
          events: [
            {
              object: 'Job/bad',
              type: 'Warning',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              count: 1,
              lastSeen: '2026-11-26T10:00:01.000Z',
            },
          ],
          logs: [{ pod: 'bad-x7k2p', container: 'main', lines: ['migrating <users> & "roles"', 'boom'] }],
        },
      },
    ],
  ]);
  const starts = new Map<Hook, number>([...results].map(([h, r]) => [h, r.startedAt]));
  return { event: { plan, startedAt: T0, endedAt: T0 + 1600, starts, results }, hooks };
}

const meta: ReportMeta = {
  version: '0.1.0',
  command: 'install',
  release: 'shop',
  namespace: 'prod',
  helmVersion: 'v3.18.0',
  parallelism: 2,
  timeoutMs: 300_000,
  startedAt: T0 - 500,
  exitCode: 3,
};

test('report: plan, every hook with tier, step, times (RFC 3339 ms), outcome, exit codes; valid against the schema', () => {
  const { event } = recorded();
  const report = buildReport([event], meta, T0 + 2000);
  assert.is(schemaErrors(JSON.parse(reportJson(report))), '');
  assert.is(report.outcome, 'failed');
  const e = report.events[0];
  assert.ok(e);
  assert.equal(
    e.tiers.map((t) => [t.weight, t.steps.map((s) => `${s.type}:${s.hooks.join(',')}`)]),
    [
      ['0', ['create:ConfigMap/cm (ns)', 'parallel:Job/a (ns),Job/bad (ns)']],
      ['5', ['serial:Job/d (ns)']],
    ],
  );
  const byName = Object.fromEntries(e.hooks.map((h) => [h.name, h]));
  assert.is(byName.a?.startedAt, '2026-11-26T10:00:00.050Z');
  assert.is(byName.a?.endedAt, '2026-11-26T10:00:02.050Z');
  assert.is(byName.a?.durationMs, 2000);
  assert.is(byName.a?.step, 2);
  assert.is(byName.a?.timeoutMs, 300_000);
  assert.is(byName.a?.timeoutSource, 'flag');
  assert.is(byName.bad?.outcome, 'failed');
  assert.is(byName.bad?.timeoutMs, 1_200_000);
  assert.is(byName.bad?.timeoutSource, 'annotation');
  assert.equal(byName.bad?.exitCodes, [3]);
  assert.is(byName.bad?.events[0]?.reason, 'BackoffLimitExceeded');
  assert.equal(byName.bad?.logTail[0]?.lines, ['migrating <users> & "roles"', 'boom']);
  assert.is(byName.d?.outcome, 'not-started');
  assert.is(byName.d?.startedAt, null);
  assert.is(byName.d?.tier, 2);
});

test('report: an interrupted event ends its running hooks at the time of writing', () => {
  const { event, hooks } = recorded();
  event.results.delete(hooks.a as Hook);
  delete event.endedAt;
  const report = buildReport([event], { ...meta, exitCode: 130 }, T0 + 9000);
  assert.is(schemaErrors(report), '');
  assert.is(report.outcome, 'interrupted');
  assert.is(report.events[0]?.outcome, 'interrupted');
  const a = report.events[0]?.hooks.find((h) => h.name === 'a');
  assert.is(a?.outcome, 'interrupted');
  assert.is(a?.endedAt, '2026-11-26T10:00:09.000Z');
});

test('recorder: passes every call on and keeps plans, starts, results and the run context', () => {
  const calls: string[] = [];
  const inner = {
    eventStarted: () => calls.push('eventStarted'),
    hookStarted: () => calls.push('hookStarted'),
    hookFinished: () => calls.push('hookFinished'),
    logBlock: () => calls.push('logBlock'),
    eventFinished: () => calls.push('eventFinished'),
    note: () => calls.push('note'),
    stop: () => calls.push('stop'),
    hookWaiting: () => calls.push('hookWaiting'),
    runContext: () => calls.push('runContext'),
    wantsPods: false,
  };
  let now = T0;
  const rec = new Recorder(inner, () => now);
  const h = makeHook('j');
  const plan = planEvent('pre-install', [h], { parallelism: 4 });
  rec.runContext({ helmVersion: 'v4.1.4', release: 'r', namespace: 'n', timeoutMs: 1000 });
  rec.eventStarted(plan);
  rec.hookStarted(h);
  rec.hookWaiting(h, 'running');
  now += 10;
  rec.hookFinished({ hook: h, ok: true, startedAt: T0, endedAt: now });
  rec.logBlock('t', []);
  rec.note('x');
  rec.eventFinished({
    event: 'pre-upgrade',
    hooks: 1,
    tiers: 1,
    parallelism: 4,
    wallMs: 10,
    serialMs: 10,
    failed: 0,
    notStarted: 0,
  });
  rec.stop();
  assert.equal(calls, [
    'runContext',
    'eventStarted',
    'hookStarted',
    'hookWaiting',
    'hookFinished',
    'logBlock',
    'note',
    'eventFinished',
    'stop',
  ]);
  assert.is(rec.events.length, 1);
  assert.is(rec.events[0]?.endedAt, T0 + 10);
  assert.is(rec.info?.helmVersion, 'v4.1.4');
  const report = buildReport(rec.events, { ...meta, exitCode: 0 }, now);
  assert.is(report.outcome, 'succeeded');
  assert.is(report.events[0]?.hooks[0]?.outcome, 'succeeded');
});

test('JUnit: parses as XML; one testcase per hook; failure with reason, events and log tail; skipped not-started', () => {
  const { event } = recorded();
  const xml = reportJunit(buildReport([event], meta, T0 + 2000));
  const { suites, cases } = junitCases(xml);
  assert.equal(suites, ['pre-install']);
  assert.equal(
    cases.map((c) => c.name),
    ['Job/a (ns)', 'Job/bad (ns)', 'ConfigMap/cm (ns)', 'Job/d (ns)'],
    "helm's order",
  );
  const bad = cases.find((c) => c.name === 'Job/bad (ns)');
  assert.is(bad?.classname, 'pre-install.tier-1');
  assert.is(bad?.time, '1.500');
  assert.is(bad?.failure?.type, 'failed');
  assert.match(bad?.failure?.message ?? '', /exited 3/);
  assert.match(bad?.failure?.text ?? '', /Warning BackoffLimitExceeded: Job has reached the specified backoff limit/);
  assert.match(bad?.failure?.text ?? '', /\| migrating <users> & "roles"/, 'log tail, escaped and read back');
  assert.ok(cases.find((c) => c.name === 'Job/d (ns)')?.skipped !== undefined);
  assert.is(cases.find((c) => c.name === 'Job/a (ns)')?.failure, undefined);
});

test('xmlEscape: markup escaped, characters XML cannot hold dropped', () => {
  assert.is(xmlEscape(`<a b="c">'&'\u0001\u001b[0m`), '&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;[0m');
});

test('step summary: a table per event and a gantt whose bars are the recorded start and end', () => {
  const { event } = recorded();
  const report = buildReport([event], meta, T0 + 2000);
  const md = stepSummary(report);
  assert.match(md, /^### helm parallel-hooks install shop: failed$/m);
  assert.match(md, /^\| 1 \| Job\/bad \(ns\) \| 0 \| failed \| 1\.5s \| 3 \| job failed: BackoffLimitExceeded/m);
  assert.match(md, /section tier 1 \(weight 0\)/);
  assert.not.match(md, /section tier 2/, 'a tier that never started has no section');
  const bars = ganttBars(md);
  const started = report.events[0]?.hooks.filter((h) => h.startedAt !== null) ?? [];
  assert.equal(
    bars.map((b) => [b.label, b.start, b.end]),
    started.map((h) => [`${h.kind}/${h.name}`, Date.parse(h.startedAt as string), Date.parse(h.endedAt as string)]),
  );
  assert.is(bars.find((b) => b.label === 'Job/bad')?.tag, 'crit');
  assert.is(bars.find((b) => b.label === 'Job/a')?.tag, 'done');
});

test('gantt labels lose what ends a Mermaid task', () => {
  assert.is(ganttLabel('Job/a: b; c # d'), 'Job/a b c d');
});

test.run();
