/**
 * Writes what the recorder kept: the report file (JSON or JUnit XML) and, when GitHub Actions names a step
 * summary file, the Markdown summary appended to it. Called once the command has its exit code, whether it
 * succeeded, failed or was interrupted. Returns a line for each file written, or the error of one that was not.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { reportJson } from './json.js';
import { reportJunit } from './junit.js';
import { buildReport, type HookReport, type ReportMeta } from './model.js';
import type { Recorder } from './record.js';
import { stepSummary } from './step-summary.js';

export type ReportFormat = 'json' | 'junit';

export interface ReportTargets {
  file?: string | undefined;
  format: ReportFormat;
  /** $GITHUB_STEP_SUMMARY */
  stepSummaryFile?: string | undefined;
}

export function writeReports(
  recorder: Recorder,
  meta: Omit<ReportMeta, 'helmVersion' | 'timeoutMs'>,
  targets: ReportTargets,
  now = Date.now(),
): { report: HookReport; written: string[]; errors: string[] } {
  const began = performance.now();
  const took = () => `in ${Math.round(performance.now() - began)} ms`;
  const info = recorder.info;
  const report = buildReport(
    recorder.events,
    {
      ...meta,
      release: info?.release ?? meta.release,
      namespace: info?.namespace ?? meta.namespace,
      helmVersion: info?.helmVersion,
      timeoutMs: info?.timeoutMs,
    },
    now,
  );
  const written: string[] = [];
  const errors: string[] = [];
  if (targets.file) {
    const path = resolve(targets.file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, targets.format === 'junit' ? reportJunit(report) : reportJson(report));
      written.push(`hook report (${targets.format}) written to ${path} ${took()}`);
    } catch (error) {
      errors.push(`could not write the hook report to ${path}: ${(error as Error).message}`);
    }
  }
  if (targets.stepSummaryFile && report.events.length > 0) {
    try {
      appendFileSync(targets.stepSummaryFile, `${stepSummary(report)}\n`);
      written.push(`hook summary appended to $GITHUB_STEP_SUMMARY ${took()}`);
    } catch (error) {
      errors.push(`could not append the hook summary to $GITHUB_STEP_SUMMARY: ${(error as Error).message}`);
    }
  }
  return { report, written, errors };
}
