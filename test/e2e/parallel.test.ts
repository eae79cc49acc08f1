/**
 * Parallelism is real, and bounded: 8 Jobs of 3 s in one tier run all at once at N=8, at most 3 at once at
 * N=3 (observed on the cluster), and the next tier never starts before the previous one has finished.
 * Timing is compared as a ratio of durations measured in the same run, never against a fixed number.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  dropNamespace,
  helm,
  MAJORS,
  maxConcurrentJobs,
  namespace,
  type Recorded,
  record,
  valuesFile,
} from './harness.js';

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

interface Installed {
  recs: Recorded[];
  exitCode: number;
  stderr: string;
  stats: { watchConnections: number; watchesByKey: Record<string, number>; requests: number };
}

async function installAt(major: 3 | 4, n: number, chart = CHART, valuesPath = values): Promise<Installed> {
  const ns = await namespace(`par${major}-n${n}`);
  const statsFile = join(mkdtempSync(join(tmpdir(), 'hph-stats-')), 'stats.json');
  const rec = await record(ns);
  const r = await helm(
    major,
    ['parallel-hooks', 'install', 'par', chart, '-n', ns, '-f', valuesPath, '--hook-parallelism', String(n)],
    {
      HELM_PARALLEL_HOOKS_STATS: statsFile,
    },
  );
  const recs = await rec.stop();
  await dropNamespace(ns);
  const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as Installed['stats'];
  return { recs, exitCode: r.exitCode, stderr: r.stderr, stats };
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
    const { recs, exitCode, stderr, stats } = await installAt(major, 8);
    assert.is(exitCode, 0, stderr);
    // One shared watch for every Job, and one for their pods (live waiting reasons), however many hooks.
    assert.equal(
      Object.entries(stats.watchesByKey)
        .map(([key, n]) => `${key.replace(/^.*\//, '')}:${n}`)
        .sort(),
      ['Job:1', 'Pod:1'],
      `one shared watch per kind for ${TIER1 + 2} Jobs: ${JSON.stringify(stats)}`,
    );
    const first = jobs(recs, tier1);
    assert.is(maxConcurrentJobs(recs, tier1), TIER1, 'all 8 tier-1 jobs were running at the same time');
    const phase = Math.max(...first.map((r) => r.finishedAt as number)) - Math.min(...first.map((r) => r.createdAt));
    const serial = first.reduce((sum, r) => sum + ((r.finishedAt as number) - r.createdAt), 0);
    console.log(
      `  helm ${major}: tier of ${TIER1} x 3s jobs: hook phase ${(phase / 1000).toFixed(1)}s, sum of job durations ${(serial / 1000).toFixed(1)}s, ratio ${(phase / serial).toFixed(2)}`,
    );
    assert.ok(phase < serial / 3, `hook phase ${phase}ms is not a small fraction of the serial ${serial}ms`);
    assertTiersDoNotOverlap(recs);
  });

  s('N=3: never more than 3 hook jobs at once; tiers in order', async () => {
    const { recs, exitCode, stderr } = await installAt(major, 3);
    assert.is(exitCode, 0, stderr);
    assert.is(maxConcurrentJobs(recs), 3, 'at most (and, with 8 waiting, exactly) 3 jobs running at once');
    assertTiersDoNotOverlap(recs);
  });

  s('a hook annotated helm-parallel-hooks.io/serial runs alone, at its place', async () => {
    const serialValues = valuesFile({
      hooks: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ({
        name: `job-${x}`,
        kind: 'Job',
        events: 'pre-install',
        weight: '0',
        runFor: '1s',
        serial: x === 'c',
      })),
    });
    const { recs, exitCode, stderr } = await installAt(major, 8, CHART, serialValues);
    assert.is(exitCode, 0, stderr);
    const [c] = jobs(recs, new Set(['job-c']));
    const before = jobs(recs, new Set(['job-a', 'job-b']));
    const after = jobs(recs, new Set(['job-d', 'job-e', 'job-f']));
    for (const r of before)
      assert.ok(r.finishedRv! < c!.createdRv, `${r.name} finished before the serial hook started`);
    for (const r of after) assert.ok(r.createdRv > c!.finishedRv!, `${r.name} started after the serial hook finished`);
    assert.is(maxConcurrentJobs(recs, new Set(['job-d', 'job-e', 'job-f'])), 3, 'the others still run in parallel');
  });

  s('Chart.yaml helm-parallel-hooks.io/max-parallelism caps the parallelism', async () => {
    const chart = join(mkdtempSync(join(tmpdir(), 'hph capped chart ')), 'hooks');
    cpSync(CHART, chart, { recursive: true });
    appendFileSync(join(chart, 'Chart.yaml'), 'annotations:\n  helm-parallel-hooks.io/max-parallelism: "2"\n');
    const { recs, exitCode, stderr } = await installAt(major, 8, chart);
    assert.is(exitCode, 0, stderr);
    assert.is(maxConcurrentJobs(recs), 2, "never more than the chart's cap of 2 at once, though 8 were asked");
    assert.match(stderr, /parallelism 2/);
  });

  s.run();
}
