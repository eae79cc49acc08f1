#!/usr/bin/env node
/**
 * The command line: the only place that reads process.argv, picks spinner or plain output, handles signals
 * and sets the exit code. Each command's module is loaded only when it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yargs from 'yargs';
import { ExitCode, exitCodeFor, HelmError, HookFailureError, PluginError, UsageError } from './errors.js';
import { HelmArgs, type HelmCommand } from './helm/args.js';
import { truthy } from './helm/env.js';
import { restoreExtraCaEnv } from './kube/extra-ca-env.js';
import { COMMAND_ALIASES, type ParsedArgv, PLUGIN_OPTIONS, parseArgv, resolveOutput } from './options.js';
import type { Reporter } from './output/reporter.js';
import type { Recorder } from './report/record.js';

const EPILOGUE = [
  'Every other flag and argument is passed to helm verbatim (helm install/upgrade/rollback/uninstall --help lists them).',
  "Hooks of equal weight run up to --hook-parallelism at a time; tiers of different weights run in helm's order.",
  'Chart authors: annotate a hook helm-parallel-hooks.io/serial: "true" to keep it alone; Chart.yaml annotation',
  "helm-parallel-hooks.io/max-parallelism caps the chart's parallelism.",
  '',
  'Chart authors: helm-parallel-hooks.io/timeout: "20m" on a hook gives it its own wait limit (Go duration).',
  'With GITHUB_STEP_SUMMARY set, a Markdown summary (tables, Mermaid gantt charts) is appended to it.',
  '',
  'Exit codes: 0 ok, 1 error, 2 usage error (nothing applied), 3 hook failure, 130 interrupted; when helm itself',
  'fails, its own exit code.',
].join('\n');

function helpParser() {
  const options = Object.fromEntries(
    Object.entries(PLUGIN_OPTIONS).map(([name, o]) => [
      name,
      {
        type: 'string' as const,
        describe: `${o.describe} [env ${o.env}]`,
        ...(o.default === undefined ? {} : { default: o.default }),
      },
    ]),
  );
  const passthrough = (y: ReturnType<typeof yargs>) => y.options(options).epilogue(EPILOGUE);
  return yargs()
    .scriptName('helm parallel-hooks')
    .usage(
      "$0 <install|upgrade|rollback|uninstall> [helm arguments...] [--hook-parallelism N]\n\nRuns helm with --no-hooks and runs the release's lifecycle hooks itself, where helm would, with hooks of equal weight in parallel.",
    )
    .command('install [NAME] [CHART]', 'helm install, with parallel hooks', passthrough)
    .command('upgrade [RELEASE] [CHART]', 'helm upgrade (also --install), with parallel hooks', passthrough)
    .command(
      'rollback <RELEASE> [REVISION]',
      "helm rollback, running the target revision's hooks in parallel",
      passthrough,
    )
    .command(['uninstall <RELEASE..>', 'delete'], 'helm uninstall, with parallel pre/post-delete hooks', passthrough)
    .command(
      'shim',
      'print the path of an executable that acts as helm, running install/upgrade/rollback/uninstall through this plugin (for helmfile helmBinary, or a PATH ahead of helm)',
    )
    .options(options)
    .epilogue(EPILOGUE)
    .version(false)
    .help(true)
    .wrap(process.stdout.isTTY ? Math.min(120, process.stdout.columns || 100) : null)
    .exitProcess(false)
    .strict(false);
}

async function showHelp(commandWord: string | undefined): Promise<void> {
  await helpParser().parseAsync(commandWord ? [commandWord, '--help'] : ['--help']);
}

async function makeReporter(mode: 'plain' | 'spinner'): Promise<Reporter> {
  if (mode === 'spinner') return new (await import('./output/spinner.js')).SpinnerReporter();
  return new (await import('./output/plain.js')).PlainReporter();
}

/**
 * `helm parallel-hooks shim`: the executable in the installed plugin that acts as helm (dist/shim/helm, or
 * helm.cmd on Windows), for helmfile's helmBinary or a PATH ahead of helm's.
 */
function shimPath(env: NodeJS.ProcessEnv): string {
  const dir = env.HELM_PLUGIN_DIR ? join(env.HELM_PLUGIN_DIR, 'dist') : dirname(resolve(process.argv[1] ?? '.'));
  const file = join(dir, 'shim', process.platform === 'win32' ? 'helm.cmd' : 'helm');
  if (!existsSync(file))
    throw new PluginError(`the shim ${file} is missing`, {
      hint: 'Reinstall the plugin (a source checkout builds it with npm run build).',
    });
  return file;
}

function printError(error: unknown): void {
  const lines: string[] = [];
  // A helm call whose output the plugin read (a render) failed: what helm (and what it ran, such as a
  // credential plugin) said before its error line, as plain helm would have shown it.
  if (error instanceof HelmError && error.stderr) {
    const said = error.stderr.split('\n');
    lines.push(...said.slice(0, said.length - 1).filter((l) => l.trim() !== ''));
  }
  if (error instanceof PluginError) {
    lines.push(`Error: ${error.message}`);
    if (error instanceof HookFailureError) for (const f of error.failures) lines.push(`  - ${f}`);
    if (error.hint) lines.push(error.hint);
  } else {
    lines.push(`Error: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.stack) lines.push(error.stack);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** The build stamps the version into the bundle; run from source (tests), it is read from package.json. */
declare const HPH_VERSION: string | undefined;
async function pluginVersion(): Promise<string> {
  if (typeof HPH_VERSION === 'string') return HPH_VERSION;
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Reads standard input to its end, once (helm's `-f -` and `--set-file k=/dev/stdin`). */
function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

/** What the report needs from a run: its recorder, once the command is known. */
interface ReportRun {
  recorder?: Recorder;
  parsed?: ParsedArgv;
  command?: HelmCommand;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const startedAt = Date.now();
  restoreExtraCaEnv(env);
  const run: ReportRun = {};
  const code = await runCommand(argv, env, run);
  if (run.recorder && run.parsed && run.command)
    await report(run.recorder, run.parsed, run.command, env, startedAt, code);
  return code;
}

/** The report file and step summary, written once the exit code is known: on success, failure or interruption. */
async function report(
  recorder: Recorder,
  parsed: ParsedArgv,
  command: HelmCommand,
  env: NodeJS.ProcessEnv,
  startedAt: number,
  exitCode: number,
): Promise<void> {
  const { writeReports } = await import('./report/write.js');
  const args = new HelmArgs(parsed.helmArgs, command);
  const named = !(args.bool('generate-name') || args.value('name-template') !== undefined);
  const { written, errors } = writeReports(
    recorder,
    {
      version: await pluginVersion(),
      command,
      release: named ? args.positionals()[0] : undefined,
      namespace: args.releaseNamespace(env),
      parallelism: parsed.parallelism,
      startedAt,
      exitCode,
    },
    { file: parsed.report, format: parsed.reportFormat, stepSummaryFile: env.GITHUB_STEP_SUMMARY || undefined },
  );
  for (const line of [...written, ...errors]) process.stderr.write(`[parallel-hooks] ${line}\n`);
}

async function runCommand(argv: readonly string[], env: NodeJS.ProcessEnv, run: ReportRun): Promise<number> {
  // Progress to a reader that went away (`... 2>&1 | head`) must not end the run before the release record
  // and the report are written: writes to a closed pipe are dropped instead.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const abort = new AbortController();
  let reporter: Reporter | undefined;
  let interrupts = 0;
  const stop = (why: string) => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    reporter?.stop();
    process.stderr.write(
      `\n[parallel-hooks] ${why}: stopping; nothing new starts, helm is ended, the release is marked as helm marks an interrupted one\n`,
    );
    abort.abort();
  };
  const onSignal = (signal: NodeJS.Signals | undefined) => stop(`received ${signal ?? 'SIGINT'}`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // helm does not forward signals to a plugin: a cancelled CI job ends helm and leaves the plugin running.
  const parent = process.ppid;
  const orphanCheck = setInterval(() => {
    if (process.ppid !== parent) stop(`helm (pid ${parent}), which started the plugin, has gone away`);
  }, 500);
  orphanCheck.unref();
  try {
    const parsed = parseArgv(argv, env);
    if (parsed.version) {
      process.stdout.write(`${await pluginVersion()}\n`);
      // Which of plugin.yaml's platformCommand entries helm ran: the sh launcher, or node on the bundle.
      if (truthy(env.HELM_DEBUG))
        process.stderr.write(
          `[parallel-hooks] started by ${env.HELM_PARALLEL_HOOKS_LAUNCHER === 'sh' ? 'the sh launcher (bin/helm-parallel-hooks)' : 'node on dist/cli.cjs (no launcher)'} on ${process.platform}\n`,
        );
      return ExitCode.ok;
    }
    if (parsed.commandWord === undefined) {
      await showHelp(undefined);
      if (parsed.help) return ExitCode.ok;
      throw new UsageError('missing command: one of install, upgrade, rollback, uninstall');
    }
    if (parsed.commandWord === 'shim') {
      process.stdout.write(`${shimPath(env)}\n`);
      return ExitCode.ok;
    }
    const command = COMMAND_ALIASES[parsed.commandWord];
    if (!command)
      throw new UsageError(
        `unknown command "${parsed.commandWord}": use install, upgrade, rollback or uninstall (or shim: the path of the executable that acts as helm)`,
      );
    if (parsed.help) {
      await showHelp(parsed.commandWord);
      return ExitCode.ok;
    }
    reporter = await makeReporter(
      resolveOutput(parsed.output, env, {
        stdout: Boolean(process.stdout.isTTY),
        stderr: Boolean(process.stderr.isTTY),
      }),
    );
    if (parsed.report !== undefined || env.GITHUB_STEP_SUMMARY) {
      const { Recorder } = await import('./report/record.js');
      run.recorder = new Recorder(reporter);
      run.parsed = parsed;
      run.command = command;
      reporter = run.recorder;
    }
    const opts = {
      helmArgs: parsed.helmArgs,
      parallelism: parsed.parallelism,
      reporter,
      signal: abort.signal,
      env,
      readStdin,
    };
    if (command === 'install' || command === 'upgrade') {
      return await (await import('./commands/deploy.js')).runDeploy({ ...opts, command });
    }
    if (command === 'rollback') return await (await import('./commands/rollback.js')).runRollback({ ...opts, command });
    return await (await import('./commands/uninstall.js')).runUninstall({ ...opts, command });
  } catch (error) {
    printError(error);
    return abort.signal.aborted ? ExitCode.interrupted : exitCodeFor(error);
  } finally {
    reporter?.stop();
    clearInterval(orphanCheck);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    printError(error);
    process.exitCode = ExitCode.error;
  },
);
