/**
 * Existing helm workflows through the shim (`helm parallel-hooks shim`): helmfile v1.8.0 (built from the Go
 * module proxy by scripts/fetch-tools) with the README's helmfile example, and a script that finds the shim
 * as `helm` on PATH. Lifecycle commands run through the plugin (hooks of one weight in parallel, the release
 * recorded as helm records it); every other command reaches helm unchanged. Also: helm runs the sh launcher
 * entry of plugin.yaml on Linux.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  dropNamespace,
  helm,
  helmSetup,
  kubeconfig,
  MAJORS,
  maxConcurrentJobs,
  namespace,
  objectsIn,
  REPO,
  record,
  releaseState,
  valuesFile,
} from './harness.js';

const HELMFILE = (() => {
  const out = execFileSync(join(REPO, 'scripts/fetch-tools'), ['helmfile'], { encoding: 'utf8' });
  return out.trim().split('\n').pop() as string;
})();

/** The README's helmfile example (the yaml block after the "helmfile-example" marker). */
function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = /<!-- helmfile-example -->\s*```yaml\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no helmfile example after <!-- helmfile-example -->');
  return m[1] as string;
}

const HOOKS = {
  hooks: [
    { name: 'pre-a', kind: 'Job', events: 'pre-install,pre-upgrade', runFor: '2s' },
    { name: 'pre-b', kind: 'Job', events: 'pre-install,pre-upgrade', runFor: '2s' },
    { name: 'pre-c', kind: 'Job', events: 'pre-install,pre-upgrade', runFor: '2s' },
    { name: 'post', kind: 'ConfigMap', events: 'post-install,post-upgrade' },
  ],
};

interface Project {
  dir: string;
  env: Record<string, string>;
}

/**
 * The README's example as a helmfile project: its chart, namespace and context replaced by the test's, helm
 * on PATH (the example finds the shim with `helm parallel-hooks shim`), the plugin at N=3.
 */
async function project(major: 3 | 4, ns: string, values: unknown): Promise<Project> {
  const { bin, env } = await helmSetup(major);
  const dir = mkdtempSync(join(tmpdir(), 'hph helmfile '));
  const text = readmeExample()
    .replace('./charts/shop', CHART)
    .replace(/namespace: shop/, `namespace: ${ns}`)
    .replace('kubeContext: prod', 'kubeContext: hph-local');
  writeFileSync(join(dir, 'helmfile.yaml.gotmpl'), text);
  writeFileSync(join(dir, 'values.yaml'), JSON.stringify(values));
  return {
    dir,
    env: {
      ...env,
      PATH: `${dirname(bin)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HELM_PARALLEL_HOOKS_PARALLELISM: '3',
      KUBECONFIG: kubeconfig(),
    },
  };
}

async function helmfile(p: Project, args: string[], extraEnv: Record<string, string> = {}) {
  const r = await execa(HELMFILE, args, {
    cwd: p.dir,
    env: { ...p.env, ...extraEnv },
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, output: String(r.all) };
}

for (const major of MAJORS) {
  const s = suite(`workflows, helm ${major}`);
  const made: string[] = [];
  s.after(async () => {
    for (const ns of made) await dropNamespace(ns);
  });

  s('helmfile sync, sync again, destroy: hooks of one weight in parallel, releases as helm records them', async () => {
    const ns = await namespace(`hf${major}`, false);
    made.push(ns);
    const p = await project(major, ns, HOOKS);
    const rec = await record(ns);
    const first = await helmfile(p, ['sync']);
    assert.is(first.exitCode, 0, first.output);
    let recs = await rec.stop();
    assert.ok(maxConcurrentJobs(recs) >= 2, `pre-install Jobs ran together (max ${maxConcurrentJobs(recs)} at once)`);
    let state = await releaseState(major, 'shop', ns);
    assert.equal(state?.history, [{ revision: 1, status: 'deployed' }]);
    const desc = JSON.parse((await helm(major, ['history', 'shop', '-n', ns, '-o', 'json'])).stdout) as Array<{
      description: string;
    }>;
    assert.is(desc[0]?.description, 'Install complete', "helm's own description");

    const rec2 = await record(ns);
    const second = await helmfile(p, ['sync']);
    assert.is(second.exitCode, 0, second.output);
    recs = await rec2.stop();
    assert.ok(maxConcurrentJobs(recs) >= 2, 'pre-upgrade Jobs ran together');
    state = await releaseState(major, 'shop', ns);
    assert.equal(state?.history, [
      { revision: 1, status: 'superseded' },
      { revision: 2, status: 'deployed' },
    ]);
    const hooks = (await helm(major, ['get', 'hooks', 'shop', '-n', ns])).stdout;
    assert.match(hooks, 'name: pre-a', 'helm get hooks shows what ran');

    const destroyed = await helmfile(p, ['destroy']);
    assert.is(destroyed.exitCode, 0, destroyed.output);
    assert.is(await releaseState(major, 'shop', ns), undefined, 'uninstalled');
  });

  s('a failing hook fails helmfile with the plugin explanation; nothing else runs', async () => {
    const ns = await namespace(`hff${major}`, false);
    made.push(ns);
    const p = await project(major, ns, {
      hooks: [
        { name: 'pre-ok', kind: 'Job', events: 'pre-install', runFor: '1s' },
        { name: 'pre-bad', kind: 'Job', events: 'pre-install', runFor: '500ms', exitCode: 2 },
      ],
    });
    const r = await helmfile(p, ['sync'], { HELM_PARALLEL_HOOKS_OUTPUT: 'plain' });
    assert.is.not(r.exitCode, 0, r.output);
    assert.match(r.output, /FAIL\s+Job\/pre-bad/, 'which hook failed');
    assert.match(r.output, 'exited 2', 'and why');
    assert.is((await releaseState(major, 'shop', ns))?.status, 'failed', 'the release is failed, as helm leaves it');
  });

  s('commands other than the lifecycle ones pass through: helmfile template and diff as with plain helm', async () => {
    const ns = await namespace(`hft${major}`, false);
    made.push(ns);
    const p = await project(major, ns, HOOKS);
    const viaShim = await helmfile(p, ['template']);
    const { bin } = await helmSetup(major);
    const direct = await helmfile(p, ['--helm-binary', bin, 'template']);
    assert.is(viaShim.exitCode, 0, viaShim.output);
    assert.is(
      viaShim.output.replace(/\S*shim\/helm/g, 'HELM'),
      direct.output.replace(bin, 'HELM'),
      'the same template',
    );
    // helm-diff is a Go plugin not built here: helmfile diff refuses the same way through the shim as with helm.
    const diffShim = await helmfile(p, ['diff']);
    const diffDirect = await helmfile(p, ['--helm-binary', bin, 'diff']);
    assert.is(diffShim.exitCode, diffDirect.exitCode, `${diffShim.output}\n---\n${diffDirect.output}`);
    assert.is.not(diffShim.exitCode, 0);
    assert.equal(await objectsIn(ns).catch(() => []), [], 'nothing applied');
  });

  s('a script that calls helm finds the shim first on PATH: its upgrade --install runs hooks in parallel', async () => {
    const ns = await namespace(`hfp${major}`);
    made.push(ns);
    const { bin, env } = await helmSetup(major);
    const shim = (await helm(major, ['parallel-hooks', 'shim'])).stdout.trim();
    const script = join(mkdtempSync(join(tmpdir(), 'hph script ')), 'deploy.sh');
    writeFileSync(
      script,
      `#!/bin/sh\nset -e\nhelm version --short >/dev/null\nhelm upgrade --install app "$1" -n "$2" -f "$3" --history-max 5\n`,
    );
    const rec = await record(ns);
    const r = await execa('sh', [script, CHART, ns, valuesFile(HOOKS)], {
      env: {
        ...env,
        PATH: `${dirname(shim)}:${dirname(bin)}:/usr/bin:/bin`,
        HELM_PARALLEL_HOOKS_PARALLELISM: '3',
        HELM_PARALLEL_HOOKS_OUTPUT: 'plain',
      },
      reject: false,
      all: true,
    });
    assert.is(r.exitCode, 0, String(r.all));
    assert.match(String(r.all), 'pre-install: 3 hook(s) in 1 tier(s), parallelism 3', 'the plugin ran the hooks');
    const recs = await rec.stop();
    assert.ok(maxConcurrentJobs(recs) >= 2);
    assert.is((await releaseState(major, 'app', ns))?.status, 'deployed');
  });

  s("helm runs plugin.yaml's sh launcher entry on Linux", async () => {
    const r = await helm(major, ['--debug', 'parallel-hooks', '--version']);
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, 'started by the sh launcher (bin/helm-parallel-hooks) on linux');
  });

  s.run();
}
