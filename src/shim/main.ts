/**
 * The shim as a node program (dist/shim/shim.cjs; Windows runs it through dist/shim/helm.cmd): acts as helm,
 * with the lifecycle commands run through the plugin (route.ts). POSIX systems use the sh shim beside it
 * (same rules, no node start for commands that pass through).
 */
import { spawn } from 'node:child_process';
import { findHelm, NoHelmError } from './find-helm.js';
import { route } from './route.js';

/** Set while a routed command runs: helm calls made inside it (the plugin's own) pass straight through. */
const INSIDE = 'HELM_PARALLEL_HOOKS_SHIMMED';

function run(): void {
  const argv = process.argv.slice(2);
  const self = process.env.HELM_PARALLEL_HOOKS_SHIM_SELF ?? process.argv[1] ?? '';
  let helm: string;
  try {
    helm = findHelm(process.env, self);
  } catch (error) {
    if (!(error instanceof NoHelmError)) throw error;
    process.stderr.write(`Error: helm-parallel-hooks shim: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const r = process.env[INSIDE] === '1' ? ({ to: 'helm' } as const) : route(argv);
  const args = r.to === 'plugin' ? r.args : argv;
  const env = r.to === 'plugin' ? { ...process.env, [INSIDE]: '1', HELM_PARALLEL_HOOKS_HELM: helm } : process.env;
  const child = spawn(helm, args, { stdio: 'inherit', env, windowsHide: true });
  // Ctrl-C reaches helm too (same console / process group): the shim only waits for it.
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);
  child.on('error', (error) => {
    process.stderr.write(`Error: helm-parallel-hooks shim: cannot run ${helm}: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + 15 : 1);
  });
}

run();
