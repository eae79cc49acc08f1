/**
 * Everything helm will read a hook annotation from, for an install or upgrade: the chart (a folder or a
 * .tgz, its subcharts and their values included), the user's values files and --set values. Read as text,
 * without helm, so the plugin can tell before any render whether a lifecycle hook is possible at all.
 * Returns undefined when a source cannot be read here (a values file on a web server, a post-renderer that
 * may add hooks, dependencies helm would fetch): then only helm's render can tell.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type HelmArgs, isStdinPath, setFilePaths } from '../helm/args.js';
import { type HookText, HookTextScan } from '../hooks/hook-text.js';
import { isGzip, readTar } from '../util/tar.js';

/** A chart larger than this is not read here (helm renders it to tell). */
const MAX_BYTES = 64 * 1024 * 1024;

export function hookTextOf(chart: string, args: HelmArgs, stdin: Buffer | undefined): HookText | undefined {
  if (args.has('post-renderer') || args.bool('dependency-update')) return undefined;
  const scan = new HookTextScan();
  const budget = { left: MAX_BYTES };
  try {
    const stat = statSync(chart);
    if (stat.isDirectory()) readFolder(chart, scan, budget);
    else readArchive(readFileSync(chart), scan, budget);
    for (const list of args.values('values')) {
      for (const file of list.split(',')) {
        if (file === '-') {
          if (!stdin) return undefined;
          scan.add(stdin.toString('utf8'));
        } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
          return undefined;
        } else scan.add(readFileSync(file, 'utf8'));
      }
    }
    for (const flag of ['set', 'set-string', 'set-json', 'set-literal'])
      for (const v of args.values(flag)) scan.add(v.replace(/\\\./g, '.')); // --set keys escape dots (helm\.sh/hook)
    for (const v of args.values('set-file'))
      for (const file of setFilePaths(v))
        scan.add(isStdinPath(file) ? (stdin?.toString('utf8') ?? '') : readFileSync(file, 'utf8'));
  } catch {
    return undefined; // unreadable, too large, or not a chart: helm says what is wrong
  }
  return scan.result();
}

function readFolder(dir: string, scan: HookTextScan, budget: { left: number }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git') readFolder(path, scan, budget);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      readContent(readFileSync(path), scan, budget);
    }
  }
}

function readArchive(data: Buffer, scan: HookTextScan, budget: { left: number }): void {
  const tar = gunzipSync(data, { maxOutputLength: budget.left });
  for (const entry of readTar(tar)) readContent(entry.data, scan, budget);
}

function readContent(data: Buffer, scan: HookTextScan, budget: { left: number }): void {
  budget.left -= data.length;
  if (budget.left < 0) throw new Error('chart too large to read');
  if (isGzip(data)) readArchive(data, scan, budget);
  else scan.add(data.toString('utf8'));
}
