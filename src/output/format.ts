/** Text shared by both reporters: a plan printed for --dry-run, and the per-event summary line. */
import { type Hook, hookLabel, TIMEOUT_ANNOTATION } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventSummary } from '../hooks/results.js';
import { formatDuration } from '../util/duration.js';

export function summaryLine(s: EventSummary): string {
  const hooks = `${s.hooks} hook${s.hooks === 1 ? '' : 's'} in ${s.tiers} tier${s.tiers === 1 ? '' : 's'}`;
  const status =
    s.failed > 0 ? `FAILED (${s.failed} failed${s.notStarted > 0 ? `, ${s.notStarted} not started` : ''})` : 'done';
  return `${s.event}: ${status}: ${hooks}, ${formatDuration(s.wallMs)} wall, ${formatDuration(s.serialMs)} of hook time (serial cost), parallelism ${s.parallelism}`;
}

/** The plan as lines: events, tiers, steps, hooks as kind/name (namespace). Never a manifest. */
export function planLines(plans: readonly EventPlan[]): string[] {
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(
      `${plan.event}: ${plan.hooks.length} hook(s), ${plan.tiers.length} tier(s), parallelism ${plan.parallelism}`,
    );
    plan.tiers.forEach((tier, t) => {
      lines.push(`  tier ${t + 1} (weight ${tier.weight})`);
      for (const step of tier.steps) {
        if (step.type === 'serial')
          lines.push(
            `    run   ${hookLabel(step.hook)}${step.hook.serial ? '  [serial]' : ''}${timeoutNote(step.hook)}`,
          );
        else {
          const verb = step.type === 'create' ? 'create' : 'parallel';
          for (const h of step.hooks) lines.push(`    ${verb.padEnd(5)} ${hookLabel(h)}${timeoutNote(h)}`);
        }
      }
    });
  }
  return lines;
}

/** A hook's own wait limit, as the plan shows it. */
function timeoutNote(hook: Hook): string {
  return hook.timeoutMs === undefined ? '' : `  [timeout ${formatDuration(hook.timeoutMs)} from ${TIMEOUT_ANNOTATION}]`;
}
