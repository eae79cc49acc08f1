/**
 * Fidelity: the same chart through plain helm and through the plugin at N=1 leaves the same hook objects,
 * the same normal resources, the same release history and exit codes, and creates hooks in the same order,
 * across install, upgrade, rollback and uninstall, on helm 3 and helm 4.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  creationOrder,
  dropNamespace,
  helm,
  MAJORS,
  namespace,
  objectsIn,
  record,
  releaseState,
  valuesFile,
} from './harness.js';

/** Every case of docs/HELM-SEMANTICS.md the fidelity check covers. */
export const FIDELITY_HOOKS = [
  { name: 'sa-runner', kind: 'ServiceAccount', events: 'pre-install,pre-upgrade', weight: '0' },
  {
    name: 'cm-neg',
    kind: 'ConfigMap',
    events: 'pre-install,pre-upgrade',
    weight: '-5',
    deletePolicy: 'before-hook-creation',
  },
  {
    name: 'job-neg',
    kind: 'Job',
    events: 'pre-install, Post-Install',
    weight: '-3',
    runFor: '1s',
    deletePolicy: 'hook-succeeded',
  },
  { name: 'job-a', kind: 'Job', events: 'pre-install,pre-upgrade', weight: '0', runFor: '1s' },
  { name: 'job-b', kind: 'Job', events: 'pre-install', weight: '0', runFor: '1s', deletePolicy: 'hook-failed' },
  {
    name: 'sec',
    kind: 'Secret',
    events: 'pre-install,pre-upgrade',
    weight: '5',
    deletePolicy: 'hook-succeeded,hook-failed',
  },
  {
    name: 'pod-post',
    kind: 'Pod',
    events: 'post-install,post-upgrade',
    weight: 'abc',
    runFor: '1s',
    outputLogPolicy: 'hook-succeeded',
    deletePolicy: 'before-hook-creation,hook-failed',
  },
  {
    name: 'cm-post',
    kind: 'ConfigMap',
    events: 'post-install',
    weight: '10',
    deletePolicy: 'before-hook-creation,hook-succeeded',
  },
  { name: 'unknown-ev', kind: 'ConfigMap', events: 'pre-install,nonsense' },
  { name: 't', kind: 'Pod', events: 'test' },
  {
    name: 'job-rb',
    kind: 'Job',
    events: 'pre-rollback,post-rollback',
    weight: '0',
    runFor: '500ms',
    deletePolicy: 'hook-succeeded',
  },
  { name: 'cm-del', kind: 'ConfigMap', events: 'pre-delete', weight: '0' },
  { name: 'job-del', kind: 'Job', events: 'post-delete', weight: '1', runFor: '500ms' },
];

for (const major of MAJORS) {
  const s = suite(`fidelity, helm ${major}: plain helm vs plugin at N=1`);
  let nsHelm = '';
  let nsPlugin = '';
  let lastPlain = '';
  let lastPlugin = '';
  const v1 = valuesFile({ configmap: { data: 'v1' }, hooks: FIDELITY_HOOKS });
  const v2 = valuesFile({ configmap: { data: 'v2' }, hooks: FIDELITY_HOOKS });

  s.before(async () => {
    [nsHelm, nsPlugin] = await Promise.all([namespace(`fid${major}-helm`), namespace(`fid${major}-plugin`)]);
  });
  s.after(async () => {
    await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
  });

  /** Runs one step both ways (one after the other) and compares everything observable. */
  async function compare(step: string, helmArgs: (ns: string) => string[]): Promise<void> {
    const recHelm = await record(nsHelm);
    const plain = await helm(major, helmArgs(nsHelm));
    const helmRecs = await recHelm.stop();
    const recPlugin = await record(nsPlugin);
    const viaPlugin = await helm(major, ['parallel-hooks', ...helmArgs(nsPlugin), '--hook-parallelism', '1']);
    const pluginRecs = await recPlugin.stop();

    lastPlain = plain.stdout + plain.stderr;
    lastPlugin = viaPlugin.stdout + viaPlugin.stderr;
    assert.is(viaPlugin.exitCode, plain.exitCode, `${step}: exit code (plugin stderr: ${viaPlugin.stderr})`);
    assert.equal(creationOrder(pluginRecs), creationOrder(helmRecs), `${step}: hook creation order`);
    assert.equal(await objectsIn(nsPlugin), await objectsIn(nsHelm), `${step}: objects left in the namespace`);
    assert.equal(
      await releaseState(major, 'fid', nsPlugin),
      await releaseState(major, 'fid', nsHelm),
      `${step}: release state`,
    );
    assert.not.match(viaPlugin.stdout + viaPlugin.stderr, /do-not-print-me/, `${step}: a Secret's data was printed`);
  }

  s('install: same hooks, order, objects and release', async () => {
    await compare('install', (ns) => ['install', 'fid', CHART, '-n', ns, '-f', v1]);
    // the test hook never ran, the unknown-event document was dropped by helm
    const objects = await objectsIn(nsPlugin);
    assert.not.ok(objects.includes('Pod/t'), 'test hook must not run');
    assert.not.ok(objects.includes('ConfigMap/unknown-ev'));
    assert.ok(objects.includes('ConfigMap/fid-main'), "the chart's normal resource exists");
    // pod-post asks for its logs on success (helm.sh/hook-output-log-policy); both print kwok's log line
    assert.match(lastPlain, /fake container log/, "helm printed the hook's container log");
    assert.match(
      lastPlugin,
      /logs of Pod\/pod-post \(hook-succeeded\)[\s\S]*fake container log/,
      'the plugin printed it as a labelled block',
    );
  });

  s('upgrade: same', async () => {
    await compare('upgrade', (ns) => ['upgrade', 'fid', CHART, '-n', ns, '-f', v2]);
  });

  s('rollback to revision 1: same', async () => {
    await compare('rollback', (ns) => ['rollback', 'fid', '1', '-n', ns]);
  });

  s('uninstall: same', async () => {
    await compare('uninstall', (ns) => ['uninstall', 'fid', '-n', ns]);
    assert.ok((await objectsIn(nsPlugin)).includes('Job/job-del'), 'post-delete hook ran and stays (default policy)');
  });

  s.run();
}
