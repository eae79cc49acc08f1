/**
 * The hook plan: a pure function from hooks and options to events -> tiers -> steps. No I/O.
 *
 * - Hooks of one event run in Helm's order: stable sort (on render order) by weight, then name.
 * - A tier is a run of equal weight. Tiers run one after another.
 * - Parallelism <= 1: every hook is its own step, in Helm's order: exactly Helm.
 * - Parallelism > 1: a tier is cut at every hook its chart author marked serial (that hook is a step alone,
 *   at its place). Each stretch between those runs as a "create" step (objects done on creation, in Helm's
 *   kind install order) and then a "parallel" step (Jobs and Pods, at most `parallelism` at once).
 */
import { compareKinds } from './kind-order.js';
import { type Hook, isWaitedKind, type LifecycleEvent } from './model.js';

export type Step =
  | { type: 'serial'; hook: Hook }
  | { type: 'create'; hooks: Hook[] }
  | { type: 'parallel'; hooks: Hook[] };

export interface Tier {
  weight: bigint;
  /** The tier's hooks in Helm's order. */
  hooks: Hook[];
  steps: Step[];
}

export interface EventPlan {
  event: LifecycleEvent;
  /** Every hook of the event in Helm's order: the order of failure clean-up and of success clean-up reversed. */
  hooks: Hook[];
  tiers: Tier[];
  /** The parallelism in force for this event after the chart's cap (1 = serial). */
  parallelism: number;
}

export interface PlanOptions {
  /** --hook-parallelism; any value <= 1 means serial. */
  parallelism: number;
  /** Chart.yaml cap (helm-parallel-hooks.io/max-parallelism), if the chart sets one. */
  chartCap?: number | undefined;
}

/** Helm's execution order for one event: stable by weight, then name, on top of render order. */
export function helmOrder(hooks: readonly Hook[]): Hook[] {
  return [...hooks]
    .sort((a, b) => a.renderIndex - b.renderIndex)
    .sort((a, b) =>
      a.weight < b.weight ? -1 : a.weight > b.weight ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
}

export function effectiveParallelism(opts: PlanOptions): number {
  const n = Math.max(1, Math.floor(opts.parallelism));
  return opts.chartCap === undefined ? n : Math.max(1, Math.min(n, Math.floor(opts.chartCap)));
}

export function planEvent(event: LifecycleEvent, allHooks: readonly Hook[], opts: PlanOptions): EventPlan {
  const hooks = helmOrder(allHooks.filter((h) => h.events.includes(event)));
  const parallelism = effectiveParallelism(opts);
  const tiers: Tier[] = [];
  for (const hook of hooks) {
    const last = tiers[tiers.length - 1];
    if (last && last.weight === hook.weight) last.hooks.push(hook);
    else tiers.push({ weight: hook.weight, hooks: [hook], steps: [] });
  }
  for (const tier of tiers) tier.steps = parallelism <= 1 ? serialSteps(tier.hooks) : parallelSteps(tier.hooks);
  return { event, hooks, tiers, parallelism };
}

function serialSteps(hooks: Hook[]): Step[] {
  return hooks.map((hook) => ({ type: 'serial', hook }));
}

function parallelSteps(hooks: Hook[]): Step[] {
  const steps: Step[] = [];
  let stretch: Hook[] = [];
  const flush = () => {
    const created = stretch.filter((h) => !isWaitedKind(h.kind));
    const waited = stretch.filter((h) => isWaitedKind(h.kind));
    // Stable: equal kinds keep Helm's order.
    created.sort((a, b) => compareKinds(a.kind, b.kind));
    if (created.length > 0) steps.push({ type: 'create', hooks: created });
    if (waited.length === 1) steps.push({ type: 'serial', hook: waited[0] as Hook });
    else if (waited.length > 1) steps.push({ type: 'parallel', hooks: waited });
    stretch = [];
  };
  for (const hook of hooks) {
    if (hook.serial) {
      flush();
      steps.push({ type: 'serial', hook });
    } else stretch.push(hook);
  }
  flush();
  return steps;
}
