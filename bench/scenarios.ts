/**
 * The benchmark's scenarios: chart values for the test chart (test/fixtures/charts/hooks), the hooks each
 * event is expected to run (to read the recorder's output), the tools compared, and a rough duration
 * estimate. Pure data, no I/O.
 */

export type Event = 'pre-upgrade' | 'post-upgrade';
export type HookKind = 'Job' | 'Pod' | 'ConfigMap' | 'ServiceAccount';

export interface ExpectedHook {
  name: string;
  kind: HookKind;
  event: Event;
  weight: number;
  /** Simulated run time (Jobs and Pods), seconds. */
  runForS: number;
  /** helm.sh/hook-delete-policy; absent: helm's default, before-hook-creation. */
  deletePolicy?: string;
}

export interface Tool {
  tool: 'helm' | 'plugin';
  /** 1 for plain helm (it runs hooks serially). */
  parallelism: number;
}

export interface Release {
  /** Release name (also the key of its rows when a scenario has more than one release). */
  name: string;
  /** A chart other than the test chart (test/fixtures/charts/hooks). */
  chart?: string;
  values: Record<string, unknown>;
  hooks: ExpectedHook[];
}

export interface Scenario {
  id: 'S0' | 'S1' | 'S2' | 'S3' | 'S5' | 'S6' | 'S1x' | 'S3x';
  title: string;
  release: Release;
  tools: Tool[];
  /** S3: a small release of serial Jobs timed with plain helm, the basis of helm's extrapolated time. */
  serialSample?: Release;
  /** S3: plain helm is not run on the release itself, only extrapolated from `serialSample`. */
  extrapolateHelm?: boolean;
  /** Minimum rounds (S0 is cheap and noisy, so it gets more). */
  minRuns?: number;
  /** The chart has custom resources of bench/charts/widget-crd, installed before the scenario. */
  needsWidgetCrd?: boolean;
  /** The plugin writes a hook report (--hook-report): its cost is measured against the hook phase. */
  report?: boolean;
  /**
   * 'exec': every timed command (plain helm's too) authenticates through an exec credential plugin that takes
   * EXEC_DELAY_MS, as a managed cluster's token command does (bench/run.ts writes it); the scenario without
   * the suffix is the same with the token kubeconfig.
   */
  credentials?: 'exec';
}

/** How long the benchmark's exec credential plugin takes (real token commands: 0.3-1 s). */
export const EXEC_DELAY_MS = 300;

const HELM: Tool = { tool: 'helm', parallelism: 1 };
const plugin = (parallelism: number): Tool => ({ tool: 'plugin', parallelism });

function generated(prefix: string, count: number, runFor: string): Release['values'] {
  return { generated: { count, prefix, events: 'pre-upgrade', weight: '0', runFor, deletePolicy: '' } };
}

function generatedHooks(prefix: string, count: number, runForS: number): ExpectedHook[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${String(i).padStart(3, '0')}`,
    kind: 'Job' as const,
    event: 'pre-upgrade' as const,
    weight: 0,
    runForS,
  }));
}

/** S0: a chart with no hooks at all: what the plugin costs on top of helm when there is nothing to run. */
const S0: Scenario = {
  id: 'S0',
  title: 'no hooks (fixed overhead)',
  release: { name: 'bench', values: { hooks: [], generated: { count: 0 } }, hooks: [] },
  tools: [HELM, plugin(16)],
  minRuns: 5,
};

/** S1: one tier of 16 Jobs of 2 s, pre-upgrade. */
const S1: Scenario = {
  id: 'S1',
  title: 'one tier: 16 Jobs x 2 s, pre-upgrade',
  release: { name: 'bench', values: generated('s1', 16, '2s'), hooks: generatedHooks('s1', 16, 2) },
  tools: [HELM, plugin(1), plugin(4), plugin(16)],
};

/** S2: pre- and post-upgrade, each 4 weights x 6 hooks: ServiceAccount, ConfigMap, 3 Jobs and a Pod of 1 s. */
function s2Hooks(): ExpectedHook[] {
  const hooks: ExpectedHook[] = [];
  for (const event of ['pre-upgrade', 'post-upgrade'] as const) {
    const short = event === 'pre-upgrade' ? 'pre' : 'post';
    for (const weight of [-5, 0, 5, 10]) {
      const base = `${short}-w${weight < 0 ? 'm' : ''}${Math.abs(weight)}`;
      hooks.push(
        { name: `${base}-sa`, kind: 'ServiceAccount', event, weight, runForS: 0 },
        { name: `${base}-cm`, kind: 'ConfigMap', event, weight, runForS: 0 },
        { name: `${base}-job-a`, kind: 'Job', event, weight, runForS: 1 },
        { name: `${base}-job-b`, kind: 'Job', event, weight, runForS: 1 },
        { name: `${base}-job-c`, kind: 'Job', event, weight, runForS: 1 },
        // hook-succeeded, not the default before-hook-creation: kwok deletes a terminating pod by name, with no
        // UID precondition, so re-creating a bare Pod of the same name within milliseconds of the old one's
        // deletion can get the new Pod deleted by kwok's stale delete (a simulation artefact; a kubelet deletes
        // with a UID precondition). Deleted after success instead, the next run creates it afresh.
        { name: `${base}-pod`, kind: 'Pod', event, weight, runForS: 1, deletePolicy: 'hook-succeeded' },
      );
    }
  }
  return hooks;
}
const s2 = s2Hooks();
const S2: Scenario = {
  id: 'S2',
  title: 'several tiers: pre+post-upgrade, 4 weights x 6 hooks (SA, ConfigMap, 3 Jobs, Pod; 1 s)',
  release: {
    name: 'bench',
    values: {
      hooks: s2.map((h) => ({
        name: h.name,
        kind: h.kind,
        events: h.event,
        weight: String(h.weight),
        ...(h.runForS > 0 ? { runFor: `${h.runForS}s` } : {}),
        ...(h.deletePolicy ? { deletePolicy: h.deletePolicy } : {}),
      })),
    },
    hooks: s2,
  },
  tools: [HELM, plugin(1), plugin(4), plugin(16)],
};

const S3_COUNT = 500;
const S3_SAMPLE = 20;
/** S3: 500 Jobs of 1 s in one tier at N=100; plain helm extrapolated from 20 serial Jobs. */
const S3: Scenario = {
  id: 'S3',
  title: `scale: ${S3_COUNT} Jobs x 1 s in one tier`,
  release: { name: 'bench', values: generated('s3', S3_COUNT, '1s'), hooks: generatedHooks('s3', S3_COUNT, 1) },
  tools: [plugin(100)],
  serialSample: {
    name: 'serial',
    values: generated('ser', S3_SAMPLE, '1s'),
    hooks: generatedHooks('ser', S3_SAMPLE, 1),
  },
  extrapolateHelm: true,
  report: true,
};

/** Hooks of the values-driven test chart, as its `hooks` value lists them. */
function hookValues(hooks: readonly ExpectedHook[]): Release['values']['hooks'] {
  return hooks.map((h) => ({
    name: h.name,
    kind: h.kind,
    events: h.event,
    weight: String(h.weight),
    ...(h.runForS > 0 ? { runFor: `${h.runForS * 1000}ms` } : {}),
    ...(h.deletePolicy ? { deletePolicy: h.deletePolicy } : {}),
  }));
}

/**
 * S5: a large chart with few hooks, the shape of most public charts: 150 ordinary objects (ConfigMaps,
 * Secrets, Services, Deployments, custom resources) and 11 pre-upgrade hooks in 6 weights with one Job per
 * weight, so there is next to nothing to run in parallel: what the plugin costs where it cannot help.
 */
function s5Hooks(): ExpectedHook[] {
  const hooks: ExpectedHook[] = [];
  const extras: Record<number, HookKind[]> = {
    [-5]: ['ServiceAccount', 'ConfigMap'],
    0: ['ConfigMap'],
    5: ['ServiceAccount', 'ConfigMap'],
  };
  for (const weight of [-5, -3, 0, 2, 5, 8]) {
    const base = `large-w${weight < 0 ? 'm' : ''}${Math.abs(weight)}`;
    hooks.push({ name: `${base}-job`, kind: 'Job', event: 'pre-upgrade', weight, runForS: 1 });
    for (const [i, kind] of (extras[weight] ?? []).entries())
      hooks.push({
        name: `${base}-${kind === 'ConfigMap' ? 'cm' : 'sa'}${i}`,
        kind,
        event: 'pre-upgrade',
        weight,
        runForS: 0,
      });
  }
  return hooks;
}
const s5 = s5Hooks();
const S5: Scenario = {
  id: 'S5',
  title:
    'large chart, few hooks: 150 objects (incl. 20 custom resources), 11 pre-upgrade hooks in 6 weights, one Job (1 s) each',
  release: {
    name: 'bench',
    values: {
      hooks: hookValues(s5),
      bulk: { configMaps: 60, secrets: 30, services: 20, deployments: 20, customResources: 20 },
    },
    hooks: s5,
  },
  tools: [HELM, plugin(1), plugin(8)],
  needsWidgetCrd: true,
};

/** S6: short hooks (200 ms Jobs) in mixed tiers, pre- and post-upgrade: the plugin's per-hook cost shows. */
function s6Hooks(): ExpectedHook[] {
  const hooks: ExpectedHook[] = [];
  const tiers: Array<[Event, number, number]> = [
    ['pre-upgrade', -1, 1],
    ['pre-upgrade', 0, 4],
    ['pre-upgrade', 1, 2],
    ['post-upgrade', 0, 3],
    ['post-upgrade', 1, 1],
  ];
  for (const [event, weight, jobs] of tiers) {
    const base = `${event === 'pre-upgrade' ? 'pre' : 'post'}-w${weight < 0 ? 'm' : ''}${Math.abs(weight)}`;
    for (let i = 0; i < jobs; i++) hooks.push({ name: `${base}-job${i}`, kind: 'Job', event, weight, runForS: 0.2 });
    if (jobs > 1) hooks.push({ name: `${base}-cm`, kind: 'ConfigMap', event, weight, runForS: 0 });
  }
  return hooks;
}
const s6 = s6Hooks();
const S6: Scenario = {
  id: 'S6',
  title: 'short hooks: 11 Jobs x 200 ms and 3 ConfigMaps in 5 tiers, pre- and post-upgrade',
  release: { name: 'bench', values: { hooks: hookValues(s6) }, hooks: s6 },
  tools: [HELM, plugin(1), plugin(8)],
};

/** S1 and S3 again, every command authenticating through an exec credential plugin of 0.3 s. */
const S1x: Scenario = {
  ...S1,
  id: 'S1x',
  title: `${S1.title}, through an exec credential plugin (${EXEC_DELAY_MS} ms)`,
  tools: [HELM, plugin(16)],
  credentials: 'exec',
};
const S3x: Scenario = {
  ...S3,
  id: 'S3x',
  title: `${S3.title}, through an exec credential plugin (${EXEC_DELAY_MS} ms)`,
  report: false,
  credentials: 'exec',
};

export const SCENARIOS: readonly Scenario[] = [S0, S1, S1x, S2, S3, S3x, S5, S6];

/**
 * S4 is not a hook scenario: a chart without hooks (bench/charts/plain, 20 ConfigMaps) upgraded, rolled
 * back and uninstalled by plain helm and by the plugin, side by side (bench/commands.ts).
 */
export const S4 = { id: 'S4', title: 'no hooks at all: upgrade, rollback, uninstall of a 20-ConfigMap chart' } as const;

/** Tiers of one event in helm's order (by weight), each with its hooks. */
export function tiersOf(hooks: readonly ExpectedHook[], event: Event): ExpectedHook[][] {
  const byWeight = new Map<number, ExpectedHook[]>();
  for (const h of hooks.filter((x) => x.event === event)) {
    const list = byWeight.get(h.weight) ?? [];
    list.push(h);
    byWeight.set(h.weight, list);
  }
  return [...byWeight.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

export const EVENTS: readonly Event[] = ['pre-upgrade', 'post-upgrade'];

/**
 * Rough seconds one command takes on this kind of machine: a fixed cost, plus, per tier, ceil(waited / N)
 * rounds of (run time + Job controller latency), plus a small cost per created object.
 */
export function estimateCommandS(hooks: readonly ExpectedHook[], tool: Tool): number {
  let s = tool.tool === 'helm' ? 1.5 : 2.5;
  const n = Math.max(1, tool.parallelism);
  for (const event of EVENTS) {
    for (const tier of tiersOf(hooks, event)) {
      const waited = tier.filter((h) => h.kind === 'Job' || h.kind === 'Pod');
      const longest = Math.max(0, ...waited.map((h) => h.runForS));
      s += Math.ceil(waited.length / n) * (longest + (tool.tool === 'helm' || n === 1 ? 0.9 : 1.2));
      s += (tier.length - waited.length) * 0.1 + (n > 1 ? tier.length * 0.03 : 0);
    }
  }
  return s;
}

/** Rough seconds for one scenario and one helm major at `runs` rounds (set-up and warm-up included). */
export function estimateScenarioS(sc: Scenario, runs: number): number {
  const rounds = Math.max(runs, sc.minRuns ?? 0);
  const best = sc.tools.reduce((a, t) => (t.parallelism > a.parallelism ? t : a), sc.tools[0] as Tool);
  let perRound = 1.5 + sc.tools.reduce((sum, t) => sum + estimateCommandS(sc.release.hooks, t) + 0.8, 0);
  if (sc.serialSample)
    perRound += 1.5 + estimateCommandS(sc.serialSample.hooks, { tool: 'helm', parallelism: 1 }) + 0.8;
  const setup =
    5 +
    estimateCommandS(sc.release.hooks, best) +
    (sc.serialSample ? 5 + estimateCommandS(sc.serialSample.hooks, plugin(20)) : 0);
  return setup + rounds * perRound;
}
