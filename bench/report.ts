/**
 * The benchmark's outputs: docs/BENCHMARKS.md (tables, targets, method), the SVG plot (written by hand:
 * total time against parallelism for S1 and S2, plain helm as a reference line) and the console summary.
 */
import type { InstallProbe } from './install-probe.js';
import type { StartupProbe } from './probe.js';
import type { Row, Target } from './summarize.js';

export interface Meta {
  date: string;
  durationSeconds: number;
  quick: boolean;
  runs: number;
  machine: { cpu: string; cores: number; memoryGB: number; os: string; node: string; loadAverageAtStart: number[] };
  versions: { helm: Record<string, string>; kubernetes: string; etcd: string; kwok: string; plugin: string };
  startup?: StartupProbe;
  install?: InstallProbe;
}

const f = (x: number | undefined, d = 2): string => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(d));
const SCENARIO_ORDER = [
  'S0',
  'S1',
  'S1x',
  'S2',
  'S3',
  'S3-sample',
  'S3x',
  'S3x-sample',
  'S4-upgrade',
  'S4-rollback',
  'S4-uninstall',
  'S5',
  'S6',
];
const TITLES: Record<string, string> = {
  S0: 'S0: no hooks (fixed overhead)',
  S1: 'S1: one tier, 16 Jobs x 2 s (pre-upgrade)',
  S2: 'S2: pre- and post-upgrade, 4 weights x 6 hooks (SA, ConfigMap, 3 Jobs, Pod; 1 s)',
  S1x: 'S1x: S1 with every command (plain helm too) authenticating through an exec credential plugin of 0.3 s',
  S3: 'S3: 500 Jobs x 1 s in one tier',
  'S3-sample': 'S3 sample: 20 Jobs x 1 s, plain helm (basis of the S3 extrapolation)',
  S3x: 'S3x: S3 through an exec credential plugin of 0.3 s (no hook report)',
  'S3x-sample': 'S3x sample: 20 Jobs x 1 s, plain helm through the exec plugin',
  'S4-upgrade': 'S4: a chart without hooks (bench/charts/plain, 20 ConfigMaps): upgrade',
  'S4-rollback': 'S4: the same release: rollback to the revision before',
  'S4-uninstall': 'S4: the same release: uninstall (re-installed, untimed, after each)',
  S5: 'S5: large chart, few hooks: 150 objects (60 ConfigMaps, 30 Secrets, 20 Services, 20 Deployments, 20 custom resources) and 11 pre-upgrade hooks in 6 weights, one Job (1 s) per weight',
  S6: 'S6: short hooks: 11 Jobs x 200 ms and 3 ConfigMaps in 5 tiers (pre-upgrade weights -1, 0, 1; post-upgrade 0, 1)',
};

const PLOT_TITLES: Record<string, string> = {
  S1: 'S1: one tier, 16 Jobs x 2 s',
  S2: 'S2: pre+post, 4 tiers x 6 hooks (4 waited, 1 s)',
};

/**
 * helm's own start of a plugin: every command through the plugin pays it before node starts, so it is
 * part of each "plugin - plain helm" difference and out of the plugin's reach.
 */
function helmStartText(startup: StartupProbe): string {
  const byVersion = Object.entries(startup.helmPluginStart ?? {});
  if (byVersion.length === 0) return '';
  const each = byVersion.map(([v, { seconds }]) => `helm ${v} ${f(seconds, 3)} s`).join(', ');
  return ` helm's own start of a plugin (\`helm parallel-hooks --version\` minus the launcher's \`--version\`, alternated): ${each}; every command through the plugin pays it before node starts, and a bare node process (above) after it.`;
}

function sorted(rows: readonly Row[]): Row[] {
  return [...rows].sort(
    (a, b) =>
      SCENARIO_ORDER.indexOf(a.scenario) - SCENARIO_ORDER.indexOf(b.scenario) ||
      a.helmVersion.localeCompare(b.helmVersion) ||
      (a.tool === b.tool ? 0 : a.tool === 'helm' ? -1 : 1) ||
      a.parallelism - b.parallelism,
  );
}

function toolCell(r: Row): string {
  return r.tool === 'helm' ? `plain helm${r.extrapolated ? ' (extrapolated)' : ''}` : `plugin N=${r.parallelism}`;
}

export function resultsTable(rows: readonly Row[]): string {
  const head = [
    '| scenario | helm | tool | runs | total s | hook phase s | ideal s | plugin / helm | total / ideal | hook phase / ideal hooks |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const body = sorted(rows).map((r) => {
    const failed = r.failedRuns ? ` (${r.failedRuns} failed)` : '';
    return `| ${r.scenario} | ${r.helmVersion} | ${toolCell(r)} | ${r.runs}${failed} | ${f(r.totalSeconds)} | ${f(r.hookPhaseSeconds)} | ${f(r.idealSeconds)} | ${r.tool === 'plugin' ? f(r.totalVsHelm) : ''} | ${f(r.totalVsIdeal)} | ${r.extrapolated ? '' : f(r.hookPhaseVsIdealHook)} |`;
  });
  return [...head, ...body].join('\n');
}

export function targetsTable(tg: readonly Target[]): string {
  return [
    '| result | target | helm | measured | limit | how |',
    '|---|---|---|---|---|---|',
    ...tg.map(
      (t) =>
        `| **${t.pass ? 'PASS' : 'MISS'}** | ${t.text} | ${t.helmVersion ?? ''} | ${t.value} | ${t.limit} | ${t.how} |`,
    ),
  ].join('\n');
}

function phasesTable(rows: readonly Row[]): string {
  const plugin = sorted(rows).filter((r) => r.tool === 'plugin' && r.phases);
  return [
    '| scenario | helm | N | total s | start -> first event s | pre-upgrade s | between events s | post-upgrade s | last event -> exit s | helm --no-hooks s | hook phase s | total - hook phase - helm --no-hooks s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...plugin.map((r) => {
      const p = r.phases;
      return `| ${r.scenario} | ${r.helmVersion} | ${r.parallelism} | ${f(r.totalSeconds)} | ${f(p?.beforeFirstEvent)} | ${f(p?.events['pre-upgrade'])} | ${f(p?.between)} | ${f(p?.events['post-upgrade'])} | ${f(p?.afterLastEvent)} | ${f(r.noHooksSeconds)} | ${f(r.hookPhaseSeconds)} | ${f(r.overheadSeconds)} |`;
    }),
  ].join('\n');
}

function detailTable(rows: readonly Row[]): string {
  const withDetail = sorted(rows).filter((r) => r.detail && !r.extrapolated);
  return [
    '| scenario | helm | tool | hook median s | hook max s | Job -> Pod created s | Pod created -> Succeeded s | Pod Succeeded -> Job Complete s | end -> next start s | hooks at once (mean) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...withDetail.map((r) => {
      const d = r.detail;
      return `| ${r.scenario} | ${r.helmVersion} | ${toolCell(r)} | ${f(d?.hookMedian)} | ${f(d?.hookMax)} | ${f(d?.jobToPod)} | ${f(d?.podRun)} | ${f(d?.podDoneToJobDone)} | ${f(d?.gapMedian)} | ${f(d?.meanConcurrency, 1)} |`;
    }),
  ].join('\n');
}

/** The with-hooks overhead of S1 at N=16, split into what the plugin's own timestamps can tell apart. */
function overheadLines(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const r of sorted(rows).filter(
    (x) => x.scenario === 'S1' && x.tool === 'plugin' && x.parallelism === 16 && x.phases,
  )) {
    const p = r.phases as NonNullable<Row['phases']>;
    const inEvent = (p.events['pre-upgrade'] ?? 0) - r.hookPhaseSeconds;
    const after = p.afterLastEvent - r.noHooksSeconds;
    out.push(
      `- S1, N=16, helm ${r.helmVersion}: total - hook phase - helm --no-hooks = ${f(r.overheadSeconds)} s ~ start -> first event ${f(p.beforeFirstEvent)} s (node, render, Kubernetes client, watch) + in the event but outside the hook phase ${f(inEvent)} s (deleting the previous Jobs and waiting until they are gone, before the first creation) + last event -> exit minus helm --no-hooks ${f(after)} s.`,
    );
  }
  return out.length ? [...out, ''] : [];
}

function scaleTable(rows: readonly Row[]): string {
  const s3 = sorted(rows).filter((r) => r.scenario === 'S3' && r.tool === 'plugin');
  if (!s3.length) return '';
  return [
    '| helm | N | total s | hook phase s | watch connections (max per namespace/kind) | API requests per hook | peak RSS MB |',
    '|---|---:|---:|---:|---|---:|---:|',
    ...s3.map(
      (r) =>
        `| ${r.helmVersion} | ${r.parallelism} | ${f(r.totalSeconds)} | ${f(r.hookPhaseSeconds)} | ${r.watchConnections ?? ''} (${r.maxWatchesPerKey ?? ''}) | ${f(r.requestsPerHook)} | ${f(r.peakRssMB, 1)} |`,
    ),
  ].join('\n');
}

export function markdown(m: Meta, rows: readonly Row[], tg: readonly Target[], plotPath: string): string {
  const helmVersions = Object.values(m.versions.helm).join(', ');
  const pass = tg.filter((t) => t.pass).length;
  const extrapolated = rows.find((r) => r.extrapolated);
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${m.quick ? ' -- --quick' : ''}\` on ${m.date.slice(0, 10)} (${m.date}); the run took ${Math.floor(m.durationSeconds / 60)} min ${m.durationSeconds % 60} s. Do not edit by hand: run the benchmark again.`,
    '',
    `- **Machine:** ${m.machine.cpu}, ${m.machine.cores} cores, ${m.machine.memoryGB} GB, ${m.machine.os}, Node.js ${m.machine.node}; load average at start ${m.machine.loadAverageAtStart.join(' / ')} (the machine is shared and noisy: compare ratios, not absolute seconds).`,
    `- **Cluster:** the local control plane (\`scripts/local-cluster\`): Kubernetes ${m.versions.kubernetes}, etcd ${m.versions.etcd}, kwok ${m.versions.kwok} playing the kubelet (pod run times simulated from the chart's \`sim.helm-parallel-hooks.io/run-for\` annotation), on the same machine.`,
    `- **Versions:** helm ${helmVersions}; plugin at commit ${m.versions.plugin}.`,
    `- **Runs:** ${m.runs} round(s) per scenario (S0: at least 5); in each round every tool runs once, always in the same order, so the machine's noise hits all of them; medians reported.`,
    '',
    '## Scenarios',
    '',
    ...SCENARIO_ORDER.filter((id) => rows.some((r) => r.scenario === id)).map((id) => `- **${TITLES[id] ?? id}**`),
    '',
    "Tools: plain `helm upgrade` (hooks one at a time) and `helm parallel-hooks upgrade --hook-parallelism N` at N = 1, 4, 16 (S3: 100; S5 and S6: 1 and 8; S4: 8, and `rollback` / `uninstall` alike). Every hook has helm's default delete policy (before-hook-creation), except S2's Pods (hook-succeeded: kwok deletes terminating pods by name, without a UID precondition, and so can delete a bare Pod re-created under the same name within milliseconds; a simulation artefact, see bench/scenarios.ts). S2's tiers have weights -5, 0, 5, 10, each with a ServiceAccount, a ConfigMap, three Jobs and a Pod; the same layout again for post-upgrade.",
    '',
    `## Targets (${pass}/${tg.length} PASS)`,
    '',
    targetsTable(tg),
    '',
    '## Results',
    '',
    resultsTable(rows),
    '',
    '- **total**: the whole command, spawn to exit, as a user sees it. **hook phase**: per event, first hook created -> last hook finished (Jobs and Pods: seen Complete/Succeeded; other kinds: created), summed over events.',
    "- **ideal**: `helm upgrade --no-hooks` on the same release, timed in the same round, plus, for every tier, the longest hook of that tier in this run (created -> finished, as the recorder saw it: the Job controller's and kwok's latency included, which no tool can avoid).",
    '- **plugin / helm** and **total / ideal**: the median of per-round (or per-run) ratios, not the ratio of medians.',
    ...(extrapolated ? [`- S3 plain helm is **extrapolated**, never run on 500 Jobs: ${extrapolated.note}.`] : []),
    '',
    `![total time against parallelism](${plotPath})`,
    '',
  ];
  const scale = scaleTable(rows);
  if (scale) {
    lines.push(
      '## S3: scale',
      '',
      scale,
      '',
      "Counts are the plugin's own (HELM_PARALLEL_HOOKS_STATS: every request it sends, every watch it opens, its node process's max RSS); helm's render and `--no-hooks` requests are not included.",
      '',
    );
    for (const r of sorted(rows).filter((x) => x.scenario === 'S3' && x.tool === 'plugin')) {
      const sample = rows.find((x) => x.scenario === 'S3-sample' && x.helmVersion === r.helmVersion);
      const hook = sample?.detail?.hookMedian;
      if (hook === undefined) continue;
      const waves = Math.ceil(500 / r.parallelism);
      lines.push(
        `- helm ${r.helmVersion}: the ideal above follows the issue's definition (one tier: its longest hook, as if all 500 ran at once). At N=${r.parallelism} the floor is ${waves} waves x ${f(hook)} s (a 1 s Job on an idle cluster, from the sample) = ${f(waves * hook)} s of hook phase; measured ${f(r.hookPhaseSeconds)} s, with Jobs taking ${f(r.detail?.hookMedian)} s (median) instead of ${f(hook)} s while 100 run at once, and ${f(r.detail?.gapMedian)} s from a Job's end to the next start (see the hook table below).`,
      );
    }
    lines.push('');
  }
  lines.push(
    "## Where the plugin's time goes",
    '',
    'From the plugin\'s timestamped plain output (medians). "start -> first event": node start, `helm upgrade --dry-run=server` (the render), client set-up and watch priming. "between events" / "last event -> exit": `helm upgrade --no-hooks` and, before post hooks, reading the stored release.',
    '',
    phasesTable(rows),
    '',
    ...overheadLines(rows),
    ...(m.startup
      ? [
          `Start-up probe (no cluster, median of 5): a bare node process ${f(m.startup.nodeBare.seconds, 3)} s / ${f(m.startup.nodeBare.rssMB, 0)} MB RSS${m.startup.nodeBareNoExtraCa ? ` (${f(m.startup.nodeBareNoExtraCa.seconds, 3)} s / ${f(m.startup.nodeBareNoExtraCa.rssMB, 0)} MB without this machine's NODE_EXTRA_CA_CERTS)` : ''}; the plugin, from its launcher's start to its first helm call (\`upgrade\` of a chart without hooks, the bundle compiled from its code cache), ${f(m.startup.firstHelmCall.seconds, 3)} s; \`--version\` through the launcher, start to exit, ${f(m.startup.pluginCli.seconds, 3)} s / ${f(m.startup.pluginCli.rssMB, 0)} MB.${helmStartText(m.startup)}`,
          ...(m.install
            ? [
                '',
                `Install probe (fresh helm homes, PATH with node and the shell only, proxies at a closed port; median of 3): release archive ${f(m.install.archiveMB)} MB; ${Object.values(
                  m.install.byMajor,
                )
                  .map(
                    (p) =>
                      `helm ${p.helmVersion}: \`helm plugin install\` ${f(p.seconds)} s, plugin folder ${f(p.folderMB)} MB${p.runs ? '' : ' (does NOT run)'}`,
                  )
                  .join('; ')}.`,
              ]
            : []),
          '',
        ]
      : []),
    "## Where a hook's time goes",
    '',
    "Medians over runs, from the watch recorder. A hook's duration (created -> seen finished) is the cluster's: the Job controller (Job -> Pod, Pod Succeeded -> Job Complete), the scheduler and kwok (Pod created -> Succeeded, the simulated run time included). \"end -> next start\" is the tool's own cost per hook inside a tier: the k-th hook start after the (k-N)-th hook end (N = the tool's parallelism): seeing the end, deleting the next hook's previous object, waiting until it is gone, creating the new one. \"hooks at once\": sum of hook durations / hook phase.",
    '',
    detailTable(rows),
    '',
    '## Choices measured once',
    '',
    'Measured when each choice was made, not by every run (the targets above check the outcome):',
    '',
    "- The launcher's node flags `--optimize-for-size --no-turbofan` (2026-11-26): S3 (500 hooks, N=100, report on), the plugin's peak RSS 143 MB without them, 78-80 MB with; its CPU over the run 7-9 s either way.",
    "- The root store node builds for the plugin's first TLS connection (2026-11-26): about 0.03 s, paid once per command, after node's own start (the start-up probe above).",
    '',
    '## Method',
    '',
    '- `npm run bench` (full) or `npm run bench -- --quick` (S1, one helm version, one round; writes bench/.work/ only). Options: `--majors=3,4`, `--runs=N`, `--only=S1,S2`.',
    '- Each (scenario, helm version) gets a fresh namespace; the release is installed once with `--no-hooks`, then upgraded once untimed, so every timed upgrade deletes and re-creates its hooks (before-hook-creation, the default), for every tool alike.',
    '- Every timed command is `helm upgrade` with `--set configmap.data=<run id>`, so each one changes the release and its pre-upgrade hooks fire; the plugin is `helm parallel-hooks upgrade ... --hook-parallelism N`, installed with `helm plugin install`.',
    '- Hook start and end times come from a watch on the namespace (test/e2e/harness.ts `record`), at millisecond resolution; `status.startTime`/`completionTime` only have whole seconds.',
    '- Fixed overhead is measured on S0, a chart with no hooks: plugin total - plain helm total, paired per round. The last column of the table above (total - hook phase - helm --no-hooks, per run) is the same overhead seen with hooks: it also holds the deletion of the previous hooks before the first creation, client set-up and the render.',
    '',
  );
  return lines.join('\n');
}

export function consoleSummary(rows: readonly Row[], tg: readonly Target[]): string {
  return [
    '',
    resultsTable(rows),
    '',
    ...tg.map(
      (t) =>
        `${t.pass ? 'PASS' : 'MISS'}  ${t.text}${t.helmVersion ? ` [helm ${t.helmVersion}]` : ''}: ${t.value} (limit ${t.limit})`,
    ),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// SVG

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(x: number): number {
  const step = 10 ** Math.floor(Math.log10(Math.max(x, 1)));
  for (const k of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (k * step >= x) return k * step;
  return 10 * step;
}

function panel(rows: readonly Row[], scenario: string, x0: number, y0: number, w: number, h: number): string {
  const mine = rows.filter(
    (r) => r.scenario === scenario && Number.isFinite(r.totalSeconds) && Number.isFinite(r.idealSeconds),
  );
  const versions = [...new Set(mine.map((r) => r.helmVersion))].sort();
  const plugin = mine.filter((r) => r.tool === 'plugin');
  const ns = [...new Set(plugin.map((r) => r.parallelism))].sort((a, b) => a - b);
  const out: string[] = [];
  const title = PLOT_TITLES[scenario] ?? scenario;
  out.push(
    `<text x="${x0 + w / 2}" y="${y0 - 12}" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`,
  );
  if (!plugin.length) {
    out.push(
      `<text x="${x0 + w / 2}" y="${y0 + h / 2}" text-anchor="middle" font-size="12" fill="#888">not run</text>`,
    );
    return out.join('\n');
  }
  const yMax = niceMax(Math.max(...mine.map((r) => r.totalSeconds), ...mine.map((r) => r.idealSeconds)) * 1.05);
  const lx = (n: number) => Math.log2(n);
  const [lo, hi] = [lx(ns[0] as number), lx(ns[ns.length - 1] as number)];
  const px = (n: number) => x0 + (hi === lo ? w / 2 : ((lx(n) - lo) / (hi - lo)) * (w - 40) + 20);
  const py = (s: number) => y0 + h - (s / yMax) * h;
  // axes and grid
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 5; i++) {
    const s = (yMax / 5) * i;
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${py(s)}" y2="${py(s)}" stroke="#eee"/>`);
    out.push(`<text x="${x0 - 6}" y="${py(s) + 4}" text-anchor="end" font-size="11">${Number(s.toFixed(1))}</text>`);
  }
  for (const n of ns) out.push(`<text x="${px(n)}" y="${y0 + h + 16}" text-anchor="middle" font-size="11">${n}</text>`);
  out.push(
    `<text x="${x0 + w / 2}" y="${y0 + h + 34}" text-anchor="middle" font-size="12">--hook-parallelism N (log scale)</text>`,
  );
  out.push(
    `<text transform="translate(${x0 - 40},${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">total seconds (median)</text>`,
  );
  versions.forEach((v, i) => {
    const color = COLORS[i % COLORS.length] as string;
    const helmRow = mine.find((r) => r.helmVersion === v && r.tool === 'helm');
    if (helmRow) {
      const y = py(helmRow.totalSeconds);
      out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y}" y2="${y}" stroke="${color}" stroke-dasharray="6 4"/>`);
      out.push(
        `<text x="${x0 + w - 4}" y="${y - 4 - i * 13}" text-anchor="end" font-size="10" fill="${color}">plain helm ${esc(v)}: ${f(helmRow.totalSeconds, 1)} s</text>`,
      );
    }
    const pts = plugin.filter((r) => r.helmVersion === v).sort((a, b) => a.parallelism - b.parallelism);
    // Versions often coincide: the first drawn wide, later ones narrow on top, labels above then below.
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="${i === 0 ? 4 : 1.5}" stroke-opacity="${i === 0 ? 0.6 : 1}" points="${pts.map((r) => `${px(r.parallelism)},${py(r.totalSeconds)}`).join(' ')}"/>`,
    );
    for (const r of pts) {
      const [cx, cy] = [px(r.parallelism), py(r.totalSeconds)];
      out.push(
        i === 0
          ? `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${color}" fill-opacity="0.6"/>`
          : `<rect x="${cx - 2.5}" y="${cy - 2.5}" width="5" height="5" fill="${color}"/>`,
      );
      out.push(
        `<text x="${cx + 7}" y="${cy + (i % 2 === 0 ? -7 : 15)}" font-size="10" fill="${color}">${f(r.totalSeconds, 1)}</text>`,
      );
    }
    const ideal = pts[pts.length - 1];
    if (ideal) {
      const y = py(ideal.idealSeconds);
      out.push(
        `<line x1="${x0}" x2="${x0 + w}" y1="${y}" y2="${y}" stroke="${color}" stroke-dasharray="1 3" stroke-width="1.5"/>`,
      );
    }
  });
  return out.join('\n');
}

/** Total time against parallelism, S1 and S2 side by side; plain helm dashed, the ideal dotted. */
export function svgPlot(rows: readonly Row[]): string {
  const W = 960;
  const H = 420;
  const versions = [
    ...new Set(rows.filter((r) => r.scenario === 'S1' || r.scenario === 'S2').map((r) => r.helmVersion)),
  ].sort();
  const legend = versions
    .map((v, i) => {
      const color = COLORS[i % COLORS.length] as string;
      const x = 70 + i * 200;
      return `<line x1="${x}" x2="${x + 24}" y1="${H - 18}" y2="${H - 18}" stroke="${color}" stroke-width="${i === 0 ? 4 : 1.5}" stroke-opacity="${i === 0 ? 0.6 : 1}"/><text x="${x + 30}" y="${H - 14}" font-size="11">plugin, helm ${esc(v)}</text>`;
    })
    .join('\n');
  const lx = 70 + versions.length * 200;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    panel(rows, 'S1', 70, 50, 380, 280),
    panel(rows, 'S2', 550, 50, 380, 280),
    legend,
    `<line x1="${lx}" x2="${lx + 24}" y1="${H - 18}" y2="${H - 18}" stroke="#555" stroke-dasharray="6 4"/><text x="${lx + 30}" y="${H - 14}" font-size="11">plain helm (serial hooks)</text>`,
    `<line x1="${lx + 190}" x2="${lx + 214}" y1="${H - 18}" y2="${H - 18}" stroke="#555" stroke-dasharray="1 3" stroke-width="1.5"/><text x="${lx + 220}" y="${H - 14}" font-size="11">ideal (at the highest N)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
