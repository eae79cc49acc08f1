/**
 * Every hook run explained, on the real control plane: a failing Job's report carries its exit code, the
 * Events and the log tail, and validates against docs/hook-report.schema.json; the GitHub step summary's
 * gantt bars are the recorded start and end times; a hook whose pod never schedules times out at its own
 * helm-parallel-hooks.io/timeout naming the Pending reason (Unschedulable), while a slower hook under
 * --timeout succeeds; the JUnit report parses as XML with one testcase per hook; an invalid hook timeout is
 * a usage error before anything runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { HookReport } from '../../src/report/model.js';
import { ganttBars, junitCases, schemaErrors } from '../unit/report-check.js';
import {
  CHART,
  dropNamespace,
  helm,
  helmSetup,
  kube,
  MAJORS,
  namespace,
  objectsIn,
  REPO,
  valuesFile,
} from './harness.js';

const out = () => mkdtempSync(join(tmpdir(), 'hph report '));

const failing = valuesFile({
  configmap: { enabled: false },
  hooks: [
    { name: 'ok-1', kind: 'Job', events: 'pre-install', weight: '0', runFor: '1s' },
    { name: 'bad', kind: 'Job', events: 'pre-install', weight: '0', runFor: '1s', exitCode: 7 },
    { name: 'ok-2', kind: 'Job', events: 'pre-install', weight: '0', runFor: '1s' },
    { name: 'cm', kind: 'ConfigMap', events: 'pre-install', weight: '0' },
    { name: 'later', kind: 'Job', events: 'pre-install', weight: '1' },
  ],
});

const unschedulable = valuesFile({
  configmap: { enabled: false },
  hooks: [
    {
      name: 'stuck',
      kind: 'Job',
      events: 'pre-install',
      timeout: '3s',
      nodeSelector: { 'hph.test/node': 'none-such' },
      deletePolicy: 'hook-succeeded',
    },
    { name: 'slow', kind: 'Job', events: 'pre-install', runFor: '5s' },
  ],
});

for (const major of MAJORS) {
  const s = suite(`report, helm ${major}`);

  s(
    'a failing Job: JSON report (schema-valid) with exit code, events, log tail; step summary gantt = recorded times',
    async () => {
      const ns = await namespace(`rep${major}`);
      const dir = out();
      const file = join(dir, 'sub dir', 'hooks.json');
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '# earlier step output\n');
      try {
        const r = await helm(
          major,
          [
            'parallel-hooks',
            'install',
            'rep',
            CHART,
            '-n',
            ns,
            '-f',
            failing,
            '--hook-parallelism',
            '8',
            '--hook-report',
            file,
          ],
          { GITHUB_STEP_SUMMARY: summary },
        );
        assert.is(r.exitCode, 3, r.stderr);
        const report = JSON.parse(readFileSync(file, 'utf8')) as HookReport;
        assert.is(schemaErrors(report), '', 'valid against docs/hook-report.schema.json');
        assert.is(report.command, 'install');
        assert.is(report.release, 'rep');
        assert.is(report.namespace, ns);
        assert.match(report.helmVersion ?? '', new RegExp(`^v${major}\\.`));
        assert.is(report.parallelism, 8);
        assert.is(report.exitCode, 3);
        assert.is(report.outcome, 'failed');
        const [event] = report.events;
        assert.ok(event);
        assert.is(event.event, 'pre-install');
        assert.equal(
          event.tiers.map((t) => [t.weight, t.steps.map((st) => st.type)]),
          [
            ['0', ['create', 'parallel']],
            ['1', ['serial']],
          ],
        );
        const by = Object.fromEntries(event.hooks.map((h) => [h.name, h]));
        assert.equal(Object.keys(by).sort(), ['bad', 'cm', 'later', 'ok-1', 'ok-2']);
        const bad = by.bad;
        assert.is(bad?.outcome, 'failed');
        assert.is(bad?.stage, 'wait');
        assert.equal(bad?.exitCodes, [7], 'the container exit code');
        assert.match(bad?.reason ?? '', /exited 7/);
        assert.match(bad?.condition ?? '', /^Failed/);
        assert.ok((bad?.events.length ?? 0) > 0, 'events of the Job and its pod');
        assert.ok(
          bad?.events.some((e) => e.object === 'Job/bad' && e.reason !== ''),
          JSON.stringify(bad?.events),
        );
        assert.match(bad?.logTail.flatMap((l) => l.lines).join('\n') ?? '', /fake container log/, 'the log tail');
        assert.is(by['ok-1']?.outcome, 'succeeded');
        assert.equal(by['ok-1']?.exitCodes, [0]);
        assert.is(by.later?.outcome, 'not-started');
        assert.ok(!JSON.stringify(report).includes('busybox'), 'no manifest in the report');
        // what the person reads: the diagnosis block, labelled
        assert.match(r.stderr, /why Job\/bad \([^)]+\) failed/);
        assert.match(r.stderr, /log tail of pod bad-\w+, container main:\n\s+\| .*fake container log/);
        // the step summary: appended, a table and a gantt whose bars are the recorded times
        const md = readFileSync(summary, 'utf8');
        assert.ok(md.startsWith('# earlier step output\n'), 'appended, not overwritten');
        assert.match(md, /\| 1 \| Job\/bad \([^)]+\) \| 0 \| failed \| [^|]+ \| 7 \|/);
        const bars = ganttBars(md);
        const ran = event.hooks.filter((h) => h.startedAt !== null);
        assert.equal(
          bars.map((b) => [b.label, b.start, b.end]),
          ran.map((h) => [`${h.kind}/${h.name}`, Date.parse(h.startedAt as string), Date.parse(h.endedAt as string)]),
        );
        assert.is(bars.find((b) => b.label === 'Job/bad')?.tag, 'crit');
      } finally {
        await dropNamespace(ns);
      }
    },
  );

  s(
    'unschedulable pod: its own timeout fails only it, naming Unschedulable; JUnit parses, one testcase per hook',
    async () => {
      const ns = await namespace(`rto${major}`);
      const file = join(out(), 'hooks.xml');
      try {
        const r = await helm(major, [
          'parallel-hooks',
          'install',
          'rto',
          CHART,
          '-n',
          ns,
          '-f',
          unschedulable,
          '--timeout',
          '60s',
          '--hook-parallelism',
          '2',
          '--hook-report',
          file,
          '--hook-report-format',
          'junit',
        ]);
        assert.is(r.exitCode, 3, r.stderr);
        // plain output: the failure line names the Pending reason
        assert.match(
          r.stderr,
          /FAIL {2}Job\/stuck \([^)]+\) after [\d.]+s: timed out waiting for the condition \(Job not done after its helm-parallel-hooks\.io\/timeout 3\.0s\); still waiting for: pod stuck-\w+ Pending \(Unschedulable: [^)]*node/,
        );
        assert.match(r.stderr, /done {2}Job\/slow \([^)]+\) in [\d.]+s/, 'the slower hook under --timeout succeeds');
        assert.match(r.stderr, /Error: .*\n {2}- Job\/stuck \([^)]+\): timed out .*Unschedulable/);
        assert.match(r.stderr, /FailedScheduling/, 'the scheduler event');
        // live waiting reason, printed when it changes, not on every look
        const waits = r.stderr
          .split('\n')
          .filter((l) => /wait {2}Job\/stuck \([^)]+\): Pending: Unschedulable$/.test(l));
        assert.is(waits.length, 1, r.stderr);
        const xml = readFileSync(file, 'utf8');
        const { suites, cases } = junitCases(xml);
        assert.equal(suites, ['pre-install']);
        assert.equal(cases.map((c) => c.name).sort(), [`Job/slow (${ns})`, `Job/stuck (${ns})`]);
        const stuck = cases.find((c) => c.name.startsWith('Job/stuck'));
        assert.is(stuck?.failure?.type, 'timed-out');
        assert.match(stuck?.failure?.message ?? '', /Unschedulable/);
        assert.match(stuck?.failure?.text ?? '', /FailedScheduling/);
        assert.is(cases.find((c) => c.name.startsWith('Job/slow'))?.failure, undefined);
        assert.ok(Number(cases.find((c) => c.name.startsWith('Job/slow'))?.time) > 3, "slow ran past stuck's limit");
      } finally {
        await dropNamespace(ns);
      }
    },
  );

  s('SIGINT while a hook runs: the report is still written, the running hook interrupted (exit 130)', async () => {
    const ns = await namespace(`rint${major}`);
    const file = join(out(), 'hooks.json');
    const values = valuesFile({
      configmap: { enabled: false },
      hooks: [
        { name: 'quick', kind: 'Job', events: 'pre-install', weight: '0' },
        { name: 'forever', kind: 'Job', events: 'pre-install', weight: '1', runFor: 'forever' },
        { name: 'never', kind: 'Job', events: 'pre-install', weight: '2' },
      ],
    });
    const { bin, env } = await helmSetup(major);
    // The plugin's CLI as helm runs it, so the signal reaches the plugin itself.
    const plugin = execa(
      'node',
      [
        join(REPO, 'dist/cli.cjs'),
        'install',
        'rint',
        CHART,
        '-f',
        values,
        '--hook-parallelism',
        '4',
        '--hook-report',
        file,
      ],
      { env: { ...env, HELM_BIN: bin, HELM_NAMESPACE: ns }, reject: false, stdin: 'ignore' },
    );
    try {
      for (let i = 0; i < 300; i++) {
        const jobs = await kube().batch.listNamespacedJob({ namespace: ns });
        if (jobs.items.some((j) => j.metadata?.name === 'forever')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      plugin.kill('SIGINT');
      const p = await plugin;
      assert.is(p.exitCode, 130, String(p.stderr));
      const report = JSON.parse(readFileSync(file, 'utf8')) as HookReport;
      assert.is(schemaErrors(report), '');
      assert.is(report.outcome, 'interrupted');
      assert.is(report.exitCode, 130);
      const by = Object.fromEntries(report.events[0]?.hooks.map((h) => [h.name, h]) ?? []);
      assert.is(by.quick?.outcome, 'succeeded');
      assert.is(by.forever?.outcome, 'interrupted');
      assert.ok(by.forever?.endedAt !== null);
      assert.is(by.never?.outcome, 'not-started');
    } finally {
      plugin.kill('SIGKILL');
      await dropNamespace(ns);
    }
  });

  s('an invalid hook timeout is a usage error before anything runs (exit 2)', async () => {
    const ns = await namespace(`rbad${major}`);
    const values = valuesFile({ hooks: [{ name: 'j', kind: 'Job', events: 'pre-install', timeout: 'soon' }] });
    try {
      const r = await helm(major, ['parallel-hooks', 'install', 'rbad', CHART, '-n', ns, '-f', values]);
      assert.is(r.exitCode, 2, r.stderr);
      assert.match(
        r.stderr,
        /Job\/j \([^)]*hooks\.yaml\): annotation helm-parallel-hooks\.io\/timeout: invalid duration "soon"/,
      );
      assert.equal(
        (await objectsIn(ns)).filter((o) => !/^(ConfigMap\/kube-root-ca\.crt|ServiceAccount\/default)$/.test(o)),
        [],
        'nothing applied',
      );
    } finally {
      await dropNamespace(ns);
    }
  });

  s.run();
}
