/**
 * The command line through real helm: help texts, and bad input rejected with a clear message, exit code 2
 * and nothing applied.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, MAJORS, dropNamespace, helm, namespace, objectsIn, releaseState } from './harness.js';

for (const major of MAJORS) {
  const s = suite(`command line, helm ${major}`);

  s('helm parallel-hooks --help and upgrade --help describe the options and the passthrough', async () => {
    const top = await helm(major, ['parallel-hooks', '--help']);
    assert.is(top.exitCode, 0, top.stderr);
    for (const word of ['install', 'upgrade', 'rollback', 'uninstall', '--hook-parallelism', 'passed to helm', 'Exit codes']) {
      assert.ok(top.stdout.includes(word), `top-level help mentions ${word}`);
    }
    const upgrade = await helm(major, ['parallel-hooks', 'upgrade', '--help']);
    assert.is(upgrade.exitCode, 0, upgrade.stderr);
    assert.match(upgrade.stdout, /--hook-parallelism/);
    assert.match(upgrade.stdout, /HELM_PARALLEL_HOOKS_PARALLELISM/);
    assert.match(upgrade.stdout, /Every other flag and argument is passed to helm verbatim/);
  });

  s('bad input: clear message, exit code 2, nothing applied', async () => {
    const ns = await namespace(`usage${major}`);
    const cases: Array<[string[], RegExp]> = [
      [['install', 'bad', CHART, '--hook-parallelism', 'abc'], /--hook-parallelism must be a whole number.*"abc"/],
      [['install', 'bad', CHART, '--hook-parallelism=-1.5'], /--hook-parallelism must be a whole number.*"-1\.5"/],
      [['frobnicate', 'bad', CHART], /unknown command "frobnicate"/],
      [['install', CHART], /install needs a release name and a chart/],
      [['upgrade', '--install', CHART], /upgrade needs a release name and a chart/],
      [['rollback'], /rollback needs a release name/],
      [['uninstall'], /uninstall needs at least one release name/],
      [['install', 'bad', CHART, '--timeout', 'soon'], /--timeout: invalid duration "soon"/],
    ];
    for (const [args, message] of cases) {
      const r = await helm(major, ['parallel-hooks', ...args, '-n', ns]);
      assert.is(r.exitCode, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.is(await releaseState(major, 'bad', ns), undefined, 'no release');
    assert.equal(await objectsIn(ns), [], 'nothing applied');
    await dropNamespace(ns);
  });

  s('a very large parallelism is accepted and capped by the tier', async () => {
    const ns = await namespace(`big${major}`);
    const r = await helm(major, ['parallel-hooks', 'install', 'big', CHART, '-n', ns, '--hook-parallelism', '99999999999999']);
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal((await releaseState(major, 'big', ns))?.status, 'deployed');
    await dropNamespace(ns);
  });

  s.run();
}
