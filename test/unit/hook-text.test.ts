import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hookTextOf } from '../../src/chart/hook-sources.js';
import { HelmArgs } from '../../src/helm/args.js';
import { HookTextScan, mayHookAt } from '../../src/hooks/hook-text.js';
import { readTarGz } from '../../src/util/tar.js';

function scan(...texts: string[]) {
  const s = new HookTextScan();
  for (const t of texts) s.add(t);
  return s.result();
}

test('no hook key: no lifecycle hook possible', () => {
  assert.equal(scan('kind: ConfigMap\nmetadata:\n  name: a\n'), { lifecycle: 'none' });
});

test('literal test hooks, and the weight and delete-policy keys, do not count', () => {
  const text = [
    'annotations:',
    '  "helm.sh/hook": test',
    "  helm.sh/hook: 'test-success, test-failure'",
    '  "helm.sh/hook-weight": "5"',
    '  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
  ].join('\n');
  assert.equal(scan(text), { lifecycle: 'none' });
});

test('literal lifecycle events are collected, in YAML and JSON forms', () => {
  const r = scan('  helm.sh/hook: pre-install, pre-upgrade\n', '{"helm.sh/hook": "post-upgrade", "x": 1}');
  assert.is(r.lifecycle, 'some');
  assert.equal(r.lifecycle === 'some' ? [...(r.events ?? [])].sort() : [], [
    'post-upgrade',
    'pre-install',
    'pre-upgrade',
  ]);
  assert.ok(mayHookAt(r, ['pre-upgrade']));
  assert.not.ok(mayHookAt(r, ['pre-rollback']));
});

test('a templated or folded value makes the events unknown', () => {
  for (const text of [
    'helm.sh/hook: {{ .Values.hookEvents }}',
    'helm.sh/hook: >-\n  pre-install',
    'annotations: {helm.sh/hook: pre-install, helm.sh/hook-weight: "1"}',
  ]) {
    const r = scan(text);
    assert.equal(r, { lifecycle: 'some', events: undefined }, text);
    assert.ok(mayHookAt(r, ['pre-delete']));
  }
});

test('hookTextOf reads a chart folder, its packaged subchart, values files and --set values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph-hook-text-'));
  try {
    const chart = join(dir, 'parent');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    mkdirSync(join(chart, 'charts'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: parent\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'templates', 'cm.yaml'), 'kind: ConfigMap\n');
    const args = (...extra: string[]) => new HelmArgs(['upgrade', 'r', chart, ...extra], 'upgrade');
    assert.equal(hookTextOf(chart, args(), undefined), { lifecycle: 'none' });

    // A subchart packaged as .tgz inside charts/, with a pre-upgrade Job.
    const sub = join(dir, 'child');
    mkdirSync(join(sub, 'templates'), { recursive: true });
    writeFileSync(join(sub, 'Chart.yaml'), 'apiVersion: v2\nname: child\nversion: 0.1.0\n');
    writeFileSync(join(sub, 'templates', 'job.yaml'), 'metadata:\n  annotations:\n    helm.sh/hook: pre-upgrade\n');
    execFileSync('tar', ['-czf', join(chart, 'charts', 'child-0.1.0.tgz'), '-C', dir, 'child']);
    const withSub = hookTextOf(chart, args(), undefined);
    assert.ok(withSub && mayHookAt(withSub, ['pre-upgrade']));
    rmSync(join(chart, 'charts', 'child-0.1.0.tgz'));

    // Values: a file, standard input, --set.
    const values = join(dir, 'values.yaml');
    writeFileSync(values, 'ann:\n  helm.sh/hook: post-install\n');
    assert.is(hookTextOf(chart, args('-f', values), undefined)?.lifecycle, 'some');
    assert.is(hookTextOf(chart, args('-f', '-'), Buffer.from('helm.sh/hook: pre-install'))?.lifecycle, 'some');
    assert.is(hookTextOf(chart, args('--set', 'a.helm\\.sh/hook=pre-install'), undefined)?.lifecycle, 'some');
    // What cannot be read here: only helm's render can tell.
    assert.is(hookTextOf(chart, args('-f', 'https://example.com/values.yaml'), undefined), undefined);
    assert.is(hookTextOf(chart, args('--post-renderer', './add-hooks'), undefined), undefined);
    assert.is(hookTextOf(join(dir, 'missing'), args(), undefined), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTarGz reads names and contents, long names included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph-tar-'));
  try {
    const long = `${'d'.repeat(120)}/file.txt`;
    mkdirSync(join(dir, 'src', 'd'.repeat(120)), { recursive: true });
    writeFileSync(join(dir, 'src', long), 'long name');
    writeFileSync(join(dir, 'src', 'a.txt'), 'a');
    execFileSync('tar', ['-czf', join(dir, 'x.tgz'), '-C', join(dir, 'src'), '.']);
    const entries = readTarGz(readFileSync(join(dir, 'x.tgz')));
    const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, ''), e.data.toString('utf8')]));
    assert.is(byName.get('a.txt'), 'a');
    assert.is(byName.get(long), 'long name');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
