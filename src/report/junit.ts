/**
 * The report as JUnit XML for CI test reporters: one testsuite per event, one testcase per hook (classname
 * "<event>.tier-<n>"); a failed or timed-out hook carries <failure> with its reason, pods, last events and
 * log tail; an interrupted one <error>; a hook that never started <skipped>.
 */
import type { HookReport, HookRunReport } from './model.js';

/** XML 1.0 text: escaped, and without the control characters XML cannot hold. */
export function xmlEscape(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly those characters
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

export function hookTestName(h: Pick<HookRunReport, 'kind' | 'name' | 'namespace'>): string {
  return h.namespace ? `${h.kind}/${h.name} (${h.namespace})` : `${h.kind}/${h.name}`;
}

/** The body of a failure: reason, condition, pods, events, log tail; never a manifest. */
export function failureDetail(h: HookRunReport): string {
  const lines: string[] = [];
  if (h.reason) lines.push(h.reason);
  if (h.condition) lines.push(`condition: ${h.condition}`);
  for (const p of h.pods) {
    const containers = p.containers
      .map(
        (c) =>
          `${c.name} ${c.state}${c.exitCode === undefined ? '' : ` exit ${c.exitCode}`}${c.reason ? ` (${c.reason})` : ''}`,
      )
      .join(', ');
    lines.push(`pod ${p.name}: ${p.phase}${p.reason ? ` (${p.reason})` : ''}${containers ? `; ${containers}` : ''}`);
  }
  if (h.events.length > 0) lines.push('events:');
  for (const e of h.events) lines.push(`  ${e.lastSeen ?? ''} ${e.object} ${e.type} ${e.reason}: ${e.message}`);
  for (const l of h.logTail) {
    lines.push(`log tail of pod ${l.pod}, container ${l.container}${l.error ? `: unavailable (${l.error})` : ':'}`);
    for (const line of l.lines) lines.push(`  | ${line}`);
  }
  return lines.join('\n');
}

function testcase(h: HookRunReport): string {
  const open = `    <testcase classname="${xmlEscape(`${h.event}.tier-${h.tier}`)}" name="${xmlEscape(hookTestName(h))}" time="${seconds(h.durationMs)}"`;
  switch (h.outcome) {
    case 'succeeded':
      return `${open}/>`;
    case 'not-started':
      return `${open}>\n      <skipped message="not started: an earlier hook of ${xmlEscape(h.event)} failed or the run was interrupted"/>\n    </testcase>`;
    case 'interrupted':
      return `${open}>\n      <error type="interrupted" message="interrupted while running"/>\n    </testcase>`;
    default:
      return `${open}>\n      <failure type="${h.outcome}" message="${xmlEscape(h.reason ?? h.outcome)}">${xmlEscape(failureDetail(h))}</failure>\n    </testcase>`;
  }
}

export function reportJunit(report: HookReport): string {
  const count = (hooks: readonly HookRunReport[], ...outcomes: string[]) =>
    hooks.filter((h) => outcomes.includes(h.outcome)).length;
  const all = report.events.flatMap((e) => e.hooks);
  const title = `helm parallel-hooks ${report.command}${report.release ? ` ${report.release}` : ''}`;
  const suites = report.events.map((e) =>
    [
      `  <testsuite name="${xmlEscape(e.event)}" tests="${e.hooks.length}" failures="${count(e.hooks, 'failed', 'timed-out')}" errors="${count(e.hooks, 'interrupted')}" skipped="${count(e.hooks, 'not-started')}" time="${seconds(e.durationMs)}" timestamp="${e.startedAt}">`,
      `    <properties>`,
      `      <property name="parallelism" value="${e.parallelism}"/>`,
      `      <property name="helmVersion" value="${xmlEscape(report.helmVersion ?? '')}"/>`,
      `    </properties>`,
      ...e.hooks.map(testcase),
      '  </testsuite>',
    ].join('\n'),
  );
  const totalMs = Date.parse(report.endedAt) - Date.parse(report.startedAt);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(title)}" tests="${all.length}" failures="${count(all, 'failed', 'timed-out')}" errors="${count(all, 'interrupted')}" skipped="${count(all, 'not-started')}" time="${seconds(totalMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
