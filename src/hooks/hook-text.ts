/**
 * Whether a chart can render lifecycle hooks at all, read from the text of its files and values before
 * helm renders anything. A hook needs the annotation key `helm.sh/hook` somewhere in that text: where it
 * is absent, or every occurrence is a literal test hook, nothing can run at a lifecycle event, and the plugin
 * hands the command to helm unchanged. Where a key's value is not a literal (a template, a value from
 * values), the events are unknown. A false "some" costs only time: the plugin renders and decides as usual.
 */
import type { LifecycleEvent } from './model.js';

const KEY = 'helm.sh/hook';
const TEST_EVENTS = new Set(['test', 'test-success', 'test-failure']);

export type HookText =
  | { lifecycle: 'none' }
  /** events: the literal events written, or undefined when at least one is not a literal. */
  | { lifecycle: 'some'; events: ReadonlySet<string> | undefined };

export class HookTextScan {
  private found = false;
  private events: Set<string> | undefined = new Set();

  /** Reads one text (a template, a values file, a --set value). */
  add(text: string): void {
    for (let at = text.indexOf(KEY); at !== -1; at = text.indexOf(KEY, at + KEY.length)) {
      const rest = text.slice(at + KEY.length, lineEnd(text, at));
      if (rest.startsWith('-')) continue; // helm.sh/hook-weight, helm.sh/hook-delete-policy
      const events = literalEvents(rest);
      if (events?.every((e) => TEST_EVENTS.has(e))) continue;
      this.found = true;
      if (!events) this.events = undefined;
      else for (const e of events) this.events?.add(e);
    }
  }

  result(): HookText {
    return this.found ? { lifecycle: 'some', events: this.events } : { lifecycle: 'none' };
  }
}

/** Whether a scan's result allows a hook at one of these events. */
export function mayHookAt(text: HookText, events: readonly LifecycleEvent[]): boolean {
  if (text.lifecycle === 'none') return false;
  return text.events === undefined || events.some((e) => text.events?.has(e));
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

/** `": pre-install, post-install"` (quoted or not, YAML or JSON) -> its events; undefined if not a literal. */
function literalEvents(rest: string): string[] | undefined {
  const m = /^["']?\s*:\s*(["'])([a-z\- ,]+)\1/.exec(rest) ?? /^["']?\s*:\s*()([a-z\- ,]+?)\s*(#.*)?\r?$/.exec(rest);
  if (!m?.[2]) return undefined;
  const events = m[2]
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return events.length > 0 ? events : undefined;
}
