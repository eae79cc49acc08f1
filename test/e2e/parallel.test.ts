/**
 * Parallelism is real, and bounded: 8 Jobs of 3 s in one tier run all at once at N=8, at most 3 at once at
 * N=3 (observed on the cluster), and the next tier never starts before the previous one has finished.
 * Timing is compared as a ratio of durations measured in the same run, never against a fixed number.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, MAJORS, dropNamespace, helm, maxConcurrentJobs, namespace, record, type Recorded, valuesFile } from './harness.js';

const TIER1 = 8;
const values = valuesFile({
  generated: { count: TIER1, prefix: 'tier1', events: 'pre-install', weight: '0', runFor: '3s' },
  hooks: [
    { name: 'tier2-a', kind: 'Job', events: 'pre-install', weight: '1', runFor: '1s' },
    { name: 'tier2-b', kind: 'Job', events: 'pre-install', weight: '1', runFor: '1s' },
  ],
});
const tier1 = new Set(Array.from({ length: TIER1 }, (_, i) => `tier1-${String(i).padStart(3, '0')}`));

function jobs(recs: Recorded[], names: Set<string>): Recorded[] {
  return recs.filter((r) => r.kind === 'Job' && names.has(r.name));
}

async function installAt(major: 3 | 4, n: number): Promise<{ recs: Recorded[]; ns: string; exitCode: number; stderr: string }> {
  const ns = await namespace(`par${major}-n${n}`);
  const rec = await record(ns);
  const r = await helm(major, ['parallel-hooks', 'install', 'par', CHART, '-n', ns, '-f', values, '--hook-parallelism', String(n)]);
  const recs = await rec.stop();
  await dropNamespace(ns);
  return { recs, ns, exitCode: r.exitCode, stderr: r.stderr };
}

function assertTiersDoNotOverlap(recs: Recorded[]): void {
  const first = jobs(recs, tier1);
  const second = jobs(recs, new Set(['tier2-a', 'tier2-b']));
  assert.is(first.length, TIER1, 'every tier-1 job ran');
  assert.is(second.length, 2, 'every tier-2 job ran');
  const lastTier1End = Math.max(...first.map((r) => r.finishedRv ?? Number.POSITIVE_INFINITY));
  for (const r of second) assert.ok(r.createdRv > lastTier1End, `${r.name} was created before tier 1 had finished`);
}

for (const major of MAJORS) {
  const s = suite(`parallelism, helm ${major}`);

  s('N=8: the whole tier runs at once, in a fraction of the serial time', async () => {
    const { recs, exitCode, stderr } = await installAt(major, 8);
    assert.is(exitCode, 0, stderr);
    const first = jobs(recs, tier1);
    assert.is(maxConcurrentJobs(recs, tier1), TIER1, 'all 8 tier-1 jobs were running at the same time');
    const phase = Math.max(...first.map((r) => r.finishedAt as number)) - Math.min(...first.map((r) => r.createdAt));
    const serial = first.reduce((sum, r) => sum + ((r.finishedAt as number) - r.createdAt), 0);
    console.log(`  helm ${major}: tier of ${TIER1} x 3s jobs: hook phase ${(phase / 1000).toFixed(1)}s, sum of job durations ${(serial / 1000).toFixed(1)}s, ratio ${(phase / serial).toFixed(2)}`);
    assert.ok(phase < serial / 3, `hook phase ${phase}ms is not a small fraction of the serial ${serial}ms`);
    assertTiersDoNotOverlap(recs);
  });

  s('N=3: never more than 3 hook jobs at once; tiers in order', async () => {
    const { recs, exitCode, stderr } = await installAt(major, 3);
    assert.is(exitCode, 0, stderr);
    assert.is(maxConcurrentJobs(recs), 3, 'at most (and, with 8 waiting, exactly) 3 jobs running at once');
    assertTiersDoNotOverlap(recs);
  });

  s.run();
}
