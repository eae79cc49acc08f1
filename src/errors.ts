/**
 * Exit codes are a contract (README, "Exit codes"). Library code throws; only src/cli.ts turns an error
 * into process.exitCode.
 */
export const ExitCode = {
  ok: 0,
  /** An unexpected error of the plugin itself, or of the cluster API. */
  error: 1,
  /** Bad arguments: nothing was applied. */
  usage: 2,
  /** One or more hooks failed (the release was handled as Helm handles a hook failure). */
  hookFailed: 3,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

/** An error a person reads: what failed, and what to do about it. */
export class PluginError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PluginError';
    this.exitCode = opts.exitCode ?? ExitCode.error;
    this.hint = opts.hint;
  }
}

export class UsageError extends PluginError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint: hint ?? "Run 'helm parallel-hooks --help' for usage." });
    this.name = 'UsageError';
  }
}

/** helm itself failed: its exit code is passed on, its stderr has already reached the user. */
export class HelmError extends PluginError {
  readonly helmArgs: readonly string[];
  readonly stderr: string;
  constructor(message: string, opts: { exitCode: number; helmArgs: readonly string[]; stderr: string; hint?: string }) {
    super(message, { exitCode: opts.exitCode === 0 ? ExitCode.error : opts.exitCode, hint: opts.hint });
    this.name = 'HelmError';
    this.helmArgs = opts.helmArgs;
    this.stderr = opts.stderr;
  }
}

/** One or more hooks of an event failed. `failures` holds one line per failed hook. */
export class HookFailureError extends PluginError {
  readonly event: string;
  readonly failures: readonly string[];
  /** helm's own error text for this failure: what the release description records after helm's prefix. */
  readonly helmMessage: string;
  constructor(event: string, failures: readonly string[], hint?: string, helmMessage?: string) {
    super(`${event} hooks failed: ${failures.length} hook${failures.length === 1 ? '' : 's'} did not succeed`, {
      exitCode: ExitCode.hookFailed,
      hint,
    });
    this.name = 'HookFailureError';
    this.event = event;
    this.failures = failures;
    this.helmMessage = helmMessage ?? failures.join('; ');
  }
}

export class InterruptedError extends PluginError {
  constructor(what: string) {
    super(`interrupted while ${what}`, {
      exitCode: ExitCode.interrupted,
      hint: 'Hooks already created were left on the cluster as they were; check them with kubectl before retrying.',
    });
    this.name = 'InterruptedError';
  }
}

/** Maps anything thrown to the exit code of the contract. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof PluginError) return error.exitCode;
  return ExitCode.error;
}
