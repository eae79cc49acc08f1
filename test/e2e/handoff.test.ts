/**
 * Nothing to run, nothing added: a chart whose text holds no lifecycle hook (none at all, or only a literal
 * test hook) is handed to helm exactly as typed (one helm call, the user's own: no render, no --no-hooks),
 * and a rollback or uninstall whose stored revision has no hooks for it likewise. The outcome is helm's own:
 * the release record and objects match plain helm's, and `helm test` still runs the test hook afterwards.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dropNamespace, helm, MAJORS, namespace, objectsIn, REPO, releaseState } from './harness.js';

const PLAIN = join(REPO, 'bench/charts/plain');

/** A chart with two ConfigMaps and a literal test hook (a Pod), as `helm create` charts have. */
function testHookChart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'hph handoff ')), 'with-test');
  mkdirSync(join(dir, 'templates', 'tests'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: with-test\nversion: 0.1.0\n');
  writeFileSync(
    join(dir, 'templates', 'cm.yaml'),
    '{{- range $i := until 2 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ $.Release.Name }}-{{ $i }}\ndata:\n  run: {{ $.Values.run | default "first" | quote }}\n{{- end }}\n',
  );
  writeFileSync(
    join(dir, 'templates', 'tests', 'test-connection.yaml'),
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: "{{ .Release.Name }}-test-connection"',
      '  annotations:',
      '    "helm.sh/hook": test',
      '    sim.helm-parallel-hooks.io/run-for: 200ms',
      'spec:',
      '  restartPolicy: Never',
      '  containers:',
      '    - name: check',
      '      image: busybox:1.36',
      '',
    ].join('\n'),
  );
  return dir;
}
const WITH_TEST = testHookChart();

/**
 * The helm calls the plugin made, from its HELM_DEBUG lines ("[parallel-hooks] <helm> <args>"). helm hands
 * its global flags (-n) to a plugin as HELM_* variables, and the plugin's helm calls inherit them.
 */
function helmCalls(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('[parallel-hooks] /'))
    .map((l) => l.replace(/^\[parallel-hooks\] \S+ /, ''));
}

for (const major of MAJORS) {
  const s = suite(`hand-off to helm, helm ${major}`);

  s(
    'install, upgrade, rollback and uninstall of charts without lifecycle hooks: one helm call each, as typed',
    async () => {
      const ns = await namespace(`handoff${major}`);
      const plugin = (args: string[]) =>
        helm(major, ['parallel-hooks', ...args, '--hook-parallelism', '8'], { HELM_DEBUG: 'true' });
      const steps: Array<[string, string[]]> = [
        ['install (no hooks)', ['install', 'plain', PLAIN, '-n', ns]],
        ['upgrade (no hooks)', ['upgrade', 'plain', PLAIN, '-n', ns, '--set', 'run=second']],
        ['rollback (no hooks stored)', ['rollback', 'plain', '1', '-n', ns]],
        ['install (a test hook only)', ['install', 'tested', WITH_TEST, '-n', ns]],
        ['upgrade (a test hook only)', ['upgrade', 'tested', WITH_TEST, '-n', ns, '--set', 'run=second']],
      ];
      for (const [what, args] of steps) {
        const r = await plugin(args);
        assert.is(r.exitCode, 0, `${what}: ${r.stderr}`);
        const typed = args.filter((a, i) => a !== '-n' && args[i - 1] !== '-n').join(' ');
        assert.equal(helmCalls(r.stderr), [typed], `${what}: the user's command is the only helm call`);
      }
      assert.equal((await releaseState(major, 'plain', ns))?.history, [
        { revision: 1, status: 'superseded' },
        { revision: 2, status: 'superseded' },
        { revision: 3, status: 'deployed' },
      ]);
      const objects = await objectsIn(ns);
      assert.ok(objects.includes('ConfigMap/tested-1'), 'the chart was installed');
      assert.not.ok(
        objects.some((o) => o.startsWith('Pod/tested-test')),
        'the test hook did not run on install or upgrade',
      );
      const tested = await helm(major, ['test', 'tested', '-n', ns]);
      assert.is(tested.exitCode, 0, `helm test still runs the test hook: ${tested.stderr}`);
      assert.match(tested.stdout, /tested-test-connection/);

      const r = await plugin(['uninstall', 'plain', 'tested', '-n', ns]);
      assert.is(r.exitCode, 0, r.stderr);
      assert.equal(helmCalls(r.stderr), ['uninstall plain', 'uninstall tested']);
      assert.is(await releaseState(major, 'plain', ns), undefined, 'uninstalled');
      await dropNamespace(ns);
    },
  );

  s.run();
}
