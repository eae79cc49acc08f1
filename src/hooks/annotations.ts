/**
 * The plugin's own annotations, one treatment for all: absent or empty means "not set"; a value the plugin
 * cannot read is a usage error (exit 2) raised while planning, before anything runs, naming the object and
 * the annotation, as for helm's own flags.
 *
 *   helm-parallel-hooks.io/serial            on a hook: true | false (also yes/no, on/off, 1/0)
 *   helm-parallel-hooks.io/timeout           on a hook: a Go duration ("90s", "20m", "1h30m")
 *   helm-parallel-hooks.io/max-parallelism   in Chart.yaml: a whole number (1 = always serial)
 */
import { UsageError } from '../errors.js';
import { parseGoDuration } from '../util/duration.js';
import { CHART_CAP_ANNOTATION, SERIAL_ANNOTATION, TIMEOUT_ANNOTATION } from './model.js';

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

function text(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const t = String(raw).trim();
  return t === '' ? undefined : t;
}

function refused(where: string, annotation: string, problem: string, example: string): UsageError {
  return new UsageError(
    `${where}: annotation ${annotation}: ${problem}; nothing was run`,
    `Fix the annotation in the chart (e.g. ${annotation}: "${example}"), or remove it.`,
  );
}

/** helm-parallel-hooks.io/serial of a hook (`where`: "Kind/name (path)"). */
export function serialAnnotation(raw: unknown, where: string): boolean {
  const t = text(raw)?.toLowerCase();
  if (t === undefined || FALSE.has(t)) return false;
  if (TRUE.has(t)) return true;
  throw refused(where, SERIAL_ANNOTATION, `"${String(raw)}" is neither true nor false`, 'true');
}

/** helm-parallel-hooks.io/timeout of a hook, in ms; undefined: --timeout applies. */
export function timeoutAnnotation(raw: unknown, where: string): number | undefined {
  const t = text(raw);
  if (t === undefined) return undefined;
  try {
    return parseGoDuration(t);
  } catch (error) {
    throw refused(where, TIMEOUT_ANNOTATION, (error as Error).message, '20m');
  }
}

/** helm-parallel-hooks.io/max-parallelism of a chart; undefined: no cap. */
export function chartCapAnnotation(raw: unknown, chart: string): number | undefined {
  const t = text(raw);
  if (t === undefined) return undefined;
  if (!/^\d+$/.test(t))
    throw refused(`Chart.yaml of ${chart}`, CHART_CAP_ANNOTATION, `"${String(raw)}" is not a whole number`, '4');
  return Number(t);
}
