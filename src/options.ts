/**
 * The plugin's own options, taken out of argv; everything else goes to helm verbatim, in order, in both
 * `--flag v` and `--flag=v` forms. Each option has an environment variable (shown in --help).
 */
import { UsageError } from './errors.js';
import type { OutputMode } from './output/reporter.js';

export const COMMAND_ALIASES: Record<string, 'install' | 'upgrade' | 'rollback' | 'uninstall'> = {
  install: 'install',
  upgrade: 'upgrade',
  rollback: 'rollback',
  uninstall: 'uninstall',
  delete: 'uninstall',
};

export const ENV_PARALLELISM = 'HELM_PARALLEL_HOOKS_PARALLELISM';
export const ENV_OUTPUT = 'HELM_PARALLEL_HOOKS_OUTPUT';
/** Large enough for any tier; keeps p-map's concurrency a safe integer. */
export const MAX_PARALLELISM = 1_000_000;

export interface ParsedArgv {
  /** The word the user typed (install, upgrade, rollback, uninstall, delete), or undefined. */
  commandWord: string | undefined;
  help: boolean;
  version: boolean;
  parallelism: number;
  output: OutputMode | 'auto';
  helmArgs: string[];
}

const OWN_FLAGS = new Set(['hook-parallelism', 'hook-output']);

export function parseArgv(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgv {
  const own: Record<string, string> = {};
  const helmArgs: string[] = [];
  let help = false;
  let version = false;
  let commandWord: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      helmArgs.push(...argv.slice(i));
      break;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (m && OWN_FLAGS.has(m[1] as string)) {
      const name = m[1] as string;
      const value = m[2] ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      own[name] = value;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (commandWord === undefined && !arg.startsWith('-')) {
      commandWord = arg;
      continue;
    }
    if (commandWord === undefined && arg === '--version') {
      version = true;
      continue;
    }
    helmArgs.push(arg);
  }
  return {
    commandWord,
    help,
    version,
    parallelism: parseParallelism(own['hook-parallelism'] ?? env[ENV_PARALLELISM], own['hook-parallelism'] !== undefined),
    output: parseOutput(own['hook-output'] ?? env[ENV_OUTPUT]),
    helmArgs,
  };
}

/** Whole numbers only; anything <= 1 is serial (as helm); huge values are capped, never rejected. */
export function parseParallelism(raw: string | undefined, fromFlag = true): number {
  if (raw === undefined || (raw === '' && !fromFlag)) return 1;
  const where = fromFlag ? '--hook-parallelism' : ENV_PARALLELISM;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    throw new UsageError(`${where} must be a whole number (1 or more runs hooks in parallel, 1 or less is serial); got "${raw}"`);
  }
  const n = Number(raw.trim());
  return Math.min(Math.max(n, 1), MAX_PARALLELISM);
}

function parseOutput(raw: string | undefined): OutputMode | 'auto' {
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'plain' || raw === 'spinner') return raw;
  throw new UsageError(`--hook-output must be auto, plain or spinner; got "${raw}"`);
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
