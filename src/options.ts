/**
 * The plugin's own options, taken out of argv; everything else goes to helm verbatim, in order, in both
 * `--flag v` and `--flag=v` forms. Each option has an environment variable (shown in --help).
 */
import yargs from 'yargs';
import { UsageError } from './errors.js';
import { type HelmCommand, tokenize } from './helm/args.js';
import type { OutputMode } from './output/reporter.js';

export const COMMAND_ALIASES: Record<string, HelmCommand> = {
  install: 'install',
  upgrade: 'upgrade',
  rollback: 'rollback',
  uninstall: 'uninstall',
  // helm's own aliases of uninstall (the shim passes the word the user typed).
  delete: 'uninstall',
  del: 'uninstall',
  un: 'uninstall',
};

export const ENV_PARALLELISM = 'HELM_PARALLEL_HOOKS_PARALLELISM';
export const ENV_OUTPUT = 'HELM_PARALLEL_HOOKS_OUTPUT';
export const ENV_REPORT = 'HELM_PARALLEL_HOOKS_REPORT';
export const ENV_REPORT_FORMAT = 'HELM_PARALLEL_HOOKS_REPORT_FORMAT';
/**
 * The plugin's own options, declared once: the argv parser takes them out (parseArgv) and the help shows
 * them (cli.ts), each with its environment variable.
 */
export const PLUGIN_OPTIONS = {
  'hook-parallelism': {
    env: ENV_PARALLELISM,
    default: '1',
    describe: 'How many hooks of one weight run at once; 1 or less is serial, exactly as helm',
  },
  'hook-output': {
    env: ENV_OUTPUT,
    default: 'auto',
    describe: 'Progress output: auto (spinner on a terminal, plain lines otherwise), plain, spinner',
  },
  'hook-report': {
    env: ENV_REPORT,
    default: undefined,
    describe:
      'Write a report of every hook run (plan, times, outcomes, pods, exit codes, events, log tails) to this file, on success, failure or interruption',
  },
  'hook-report-format': {
    env: ENV_REPORT_FORMAT,
    default: 'json',
    describe: 'Report format: json, or junit (JUnit XML, one testcase per hook)',
  },
} as const;

/** Large enough for any tier; keeps p-map's concurrency a safe integer. */
export const MAX_PARALLELISM = 1_000_000;

export interface ParsedArgv {
  /** The word the user typed (install, upgrade, rollback, uninstall, delete), or undefined. */
  commandWord: string | undefined;
  help: boolean;
  version: boolean;
  parallelism: number;
  output: OutputMode | 'auto';
  /** --hook-report FILE: where the hook report goes (undefined: no report file). */
  report: string | undefined;
  reportFormat: 'json' | 'junit';
  helmArgs: string[];
}

/**
 * One parser: yargs takes the plugin's own options out of argv (both `--flag v` and `--flag=v`, anywhere,
 * before or after the command word) and passes every other argument through verbatim and in order; helm's
 * own argument model (helm/args.ts, which knows helm's value flags) then finds the command word, so a helm
 * flag with a value may stand before it (`--timeout 60s upgrade ...`).
 */
export function parseArgv(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgv {
  const parsed = yargs([...argv])
    .parserConfiguration({
      'unknown-options-as-args': true,
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'halt-at-non-option': false,
      'populate--': true,
      'greedy-arrays': false,
      'duplicate-arguments-array': false,
      'strip-aliased': true,
      'strip-dashed': true,
    })
    .options(Object.fromEntries(Object.keys(PLUGIN_OPTIONS).map((name) => [name, { type: 'string' as const }])))
    .help(false)
    .version(false)
    .exitProcess(false)
    .strict(false)
    .parseSync();
  const rest = (parsed._ as Array<string | number>).map(String);
  const afterDashes = ((parsed as Record<string, unknown>)['--'] as string[] | undefined) ?? [];
  const own = (name: string): string | undefined => {
    const v = (parsed as Record<string, unknown>)[name];
    if (v === undefined) return undefined;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last === '' && argv.at(-1) === `--${name}`) throw new UsageError(`--${name} needs a value`);
    return String(last);
  };

  let help = false;
  let version = false;
  let commandWord: string | undefined;
  const helmArgs: string[] = [];
  for (const token of tokenize(rest)) {
    if (token.type === 'flag' && token.name === 'help' && token.value === undefined) {
      help = true;
      continue;
    }
    if (commandWord === undefined && token.type === 'positional') {
      commandWord = token.value;
      continue;
    }
    if (commandWord === undefined && token.type === 'flag' && token.name === 'version' && token.value === undefined) {
      version = true;
      continue;
    }
    helmArgs.push(...token.raw);
  }
  if (afterDashes.length > 0 || argv.includes('--')) helmArgs.push('--', ...afterDashes);
  const parallelism = own('hook-parallelism');
  return {
    commandWord,
    help,
    version,
    parallelism: parseParallelism(parallelism ?? env[ENV_PARALLELISM], parallelism !== undefined),
    output: parseOutput(own('hook-output') ?? env[ENV_OUTPUT]),
    report: parseReport(own('hook-report'), env[ENV_REPORT]),
    reportFormat: parseReportFormat(own('hook-report-format'), env[ENV_REPORT_FORMAT]),
    helmArgs,
  };
}

/** Whole numbers only; anything <= 1 is serial (as helm); huge values are capped, never rejected. */
export function parseParallelism(raw: string | undefined, fromFlag = true): number {
  if (raw === undefined || (raw === '' && !fromFlag)) return 1;
  const where = fromFlag ? '--hook-parallelism' : ENV_PARALLELISM;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    throw new UsageError(
      `${where} must be a whole number (1 or more runs hooks in parallel, 1 or less is serial); got "${raw}"`,
    );
  }
  const n = Number(raw.trim());
  return Math.min(Math.max(n, 1), MAX_PARALLELISM);
}

function parseOutput(raw: string | undefined): OutputMode | 'auto' {
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'plain' || raw === 'spinner') return raw;
  throw new UsageError(`--hook-output must be auto, plain or spinner; got "${raw}"`);
}

/** A report file from the flag, else the environment; an empty flag value is a usage error. */
function parseReport(flag: string | undefined, fromEnv: string | undefined): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError('--hook-report needs a file name (e.g. --hook-report hooks.json)');
    return flag;
  }
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : fromEnv;
}

function parseReportFormat(flag: string | undefined, fromEnv: string | undefined): 'json' | 'junit' {
  const raw = flag ?? fromEnv;
  if (raw === undefined || raw === '') return 'json';
  const v = raw.trim().toLowerCase();
  if (v === 'json' || v === 'junit') return v;
  const where = flag !== undefined ? '--hook-report-format' : ENV_REPORT_FORMAT;
  throw new UsageError(`${where} must be json or junit; got "${raw}"`);
}

/** auto: a spinner only for a terminal that wants one; plain lines for CI, pipes, NO_COLOR and TERM=dumb. */
export function resolveOutput(
  mode: OutputMode | 'auto',
  env: NodeJS.ProcessEnv,
  tty: { stdout: boolean; stderr: boolean },
): OutputMode {
  if (mode !== 'auto') return mode;
  const ci = env.CI !== undefined && env.CI !== '' && !/^(false|0)$/i.test(env.CI);
  const wantsPlain = !tty.stdout || !tty.stderr || Boolean(env.NO_COLOR) || env.TERM === 'dumb' || ci;
  return wantsPlain ? 'plain' : 'spinner';
}
