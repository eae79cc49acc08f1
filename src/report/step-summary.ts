/**
 * The report as Markdown for a GitHub Actions step summary: per event a table of its hooks and a Mermaid
 * gantt chart of the hook phase, one section per tier, each bar a hook's recorded start and end (epoch ms,
 * dateFormat x), so overlapping bars are hooks that ran together and a tier starts where the last one ended.
 */
import { formatDuration } from '../util/duration.js';
import { hookTestName } from './junit.js';
import type { EventRunReport, HookReport, HookRunReport } from './model.js';

const OUTCOME_TAG: Record<HookRunReport['outcome'], string> = {
  succeeded: 'done',
  failed: 'crit',
  'timed-out': 'crit',
  interrupted: 'active',
  'not-started': '',
};

/** Text a Markdown table cell can hold. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Mermaid task name: no colon, semicolon or hash (they end or comment the task). */
export function ganttLabel(text: string): string {
  return text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** One gantt chart: a section per tier, a bar per hook that started, `label :tag, id, startMs, endMs`. */
export function ganttChart(e: EventRunReport): string[] {
  const lines = ['```mermaid', 'gantt', `  title ${ganttLabel(`${e.event} at parallelism ${e.parallelism}`)}`];
  lines.push('  dateFormat x', '  axisFormat %M:%S');
  let n = 0;
  for (const tier of e.tiers) {
    const bars = e.hooks.filter((h) => h.tier === tier.tier && h.startedAt !== null && h.endedAt !== null);
    if (bars.length === 0) continue;
    lines.push(`  section tier ${tier.tier} (weight ${tier.weight})`);
    for (const h of bars) {
      const tag = OUTCOME_TAG[h.outcome];
      const start = Date.parse(h.startedAt as string);
      // A bar of zero length is not drawn: at least 1 ms.
      const end = Math.max(Date.parse(h.endedAt as string), start + 1);
      lines.push(`  ${ganttLabel(`${h.kind}/${h.name}`)} :${tag ? `${tag}, ` : ''}h${++n}, ${start}, ${end}`);
    }
  }
  lines.push('```');
  return lines;
}

function hookRow(h: HookRunReport): string {
  const took = h.durationMs === null ? '' : formatDuration(h.durationMs);
  const codes = h.exitCodes.length > 0 ? h.exitCodes.join(', ') : '';
  return `| ${h.tier} | ${cell(hookTestName(h))} | ${h.weight} | ${h.outcome} | ${took} | ${codes} | ${cell(h.reason ?? '')} |`;
}

export function stepSummary(report: HookReport): string {
  const title = `helm parallel-hooks ${report.command}${report.release ? ` ${report.release}` : ''}`;
  const lines = [
    `### ${title}: ${report.outcome}`,
    '',
    `helm ${report.helmVersion ?? '?'}, namespace ${report.namespace ?? '?'}, parallelism ${report.parallelism}, exit code ${report.exitCode}`,
    '',
  ];
  for (const e of report.events) {
    lines.push(
      `#### ${e.event}: ${e.outcome}, ${e.hooks.length} hook(s) in ${e.tiers.length} tier(s), ${formatDuration(e.durationMs)}`,
      '',
      '| tier | hook | weight | outcome | took | exit codes | reason |',
      '| ---: | --- | ---: | --- | ---: | --- | --- |',
      ...e.hooks.map(hookRow),
      '',
      ...ganttChart(e),
      '',
    );
  }
  if (report.events.length === 0) lines.push('No hook ran.', '');
  return lines.join('\n');
}
