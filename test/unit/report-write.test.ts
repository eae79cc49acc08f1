/** The report's files: written where asked (folders made), the step summary appended, failures said, not thrown. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planEvent } from '../../src/hooks/plan.js';
import { SilentReporter } from '../../src/output/reporter.js';
import { Recorder } from '../../src/report/record.js';
import { writeReports } from '../../src/report/write.js';
import { makeHook } from './hook-factory.js';
import { junitCases, schemaErrors } from './report-check.js';

const quiet = new SilentReporter();

function recorderWithOneRun(): Recorder {
  let now = Date.parse('2026-11-26T10:00:00.000Z');
  const rec = new Recorder(quiet, () => now);
  const h = makeHook('migrate');
  rec.runContext({ helmVersion: 'v4.1.4', release: 'shop', namespace: 'prod', timeoutMs: 300_000 });
  rec.eventStarted(planEvent('pre-install', [h], { parallelism: 8 }));
  rec.hookStarted(h);
  now += 1234;
  rec.hookFinished({ hook: h, ok: true, startedAt: now - 1234, endedAt: now });
  rec.eventFinished({
    event: 'pre-install',
    hooks: 1,
    tiers: 1,
    parallelism: 8,
    wallMs: 1234,
    serialMs: 1234,
    failed: 0,
    notStarted: 0,
  });
  return rec;
}

const meta = {
  version: '0.1.0',
  command: 'install',
  parallelism: 8,
  startedAt: Date.parse('2026-11-26T09:59:59Z'),
  exitCode: 0,
};

test('JSON into a folder that does not exist yet; the step summary appended after what was there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph report '));
  const file = join(dir, 'a b', 'c', 'hooks.json');
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, 'before\n');
  const r = writeReports(recorderWithOneRun(), meta, { file, format: 'json', stepSummaryFile: summary });
  assert.equal(r.errors, []);
  assert.is(r.written.length, 2);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  assert.is(schemaErrors(report), '');
  assert.is(report.release, 'shop');
  assert.is(report.helmVersion, 'v4.1.4');
  assert.is(report.events[0].hooks[0].durationMs, 1234);
  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('before\n### helm parallel-hooks install shop: succeeded'), md);
  assert.match(md, /```mermaid\ngantt\n/);
});

test('JUnit; an unwritable place is an error line, not a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph report '));
  const file = join(dir, 'hooks.xml');
  const r = writeReports(recorderWithOneRun(), meta, { file, format: 'junit' });
  assert.equal(r.errors, []);
  assert.equal(
    junitCases(readFileSync(file, 'utf8')).cases.map((c) => c.name),
    ['Job/migrate (ns)'],
  );
  writeFileSync(join(dir, 'plain-file'), '');
  const bad = writeReports(recorderWithOneRun(), meta, { file: join(dir, 'plain-file', 'x.json'), format: 'json' });
  assert.is(bad.written.length, 0);
  assert.match(bad.errors[0] ?? '', /could not write the hook report to .*plain-file\/x\.json: /);
});

test('no event ran: no step summary, the report says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph report '));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const r = writeReports(
    new Recorder(quiet),
    { ...meta, exitCode: 2 },
    { file: join(dir, 'r.json'), format: 'json', stepSummaryFile: summary },
  );
  assert.is(readFileSync(summary, 'utf8'), '');
  assert.is(r.report.outcome, 'failed');
  assert.equal(r.report.events, []);
  assert.is(schemaErrors(r.report), '');
});

test.run();
