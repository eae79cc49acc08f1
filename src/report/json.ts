/** The report as JSON (docs/hook-report.schema.json): two-space indented, one trailing newline. */
import type { HookReport } from './model.js';

export function reportJson(report: HookReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
