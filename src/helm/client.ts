/**
 * Every helm invocation of the plugin lives here: `$HELM_BIN` through execa, argv logged under HELM_DEBUG,
 * failures wrapped in a HelmError that keeps helm's stderr and exit code.
 */
import { readdirSync } from 'node:fs';
import { execa } from 'execa';
import { HelmError, InterruptedError, PluginError } from '../errors.js';
import type { RecordJson } from '../hooks/release-json.js';
import { parseExact } from '../util/exact-json.js';
import type { HelmSettings } from './env.js';

export interface HelmVersion {
  /** "v3.18.0" */
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

export class Helm {
  readonly settings: HelmSettings;
  private readonly log: (line: string) => void;
  /**
   * Ends helm's child processes on interruption: SIGTERM, which helm install/upgrade turn into a release
   * marked failed ("context canceled"), then SIGKILL after 10 s.
   */
  private readonly signal: AbortSignal | undefined;
  constructor(
    settings: HelmSettings,
    signal?: AbortSignal,
    log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {
    this.settings = settings;
    this.signal = signal;
    this.log = log;
  }

  /** Standard input the user piped in (`-f -`, `--set-file k=/dev/stdin`), read once, given to each helm call. */
  stdin: Buffer | undefined;

  private inputOptions() {
    return this.stdin === undefined ? {} : { input: this.stdin };
  }

  private killOptions() {
    return this.signal
      ? { cancelSignal: this.signal, killSignal: 'SIGTERM' as const, forceKillAfterDelay: 10_000 }
      : {};
  }

  /** Runs helm and returns its stdout; throws HelmError (with stderr) when it fails. */
  private async capture(args: string[]): Promise<string> {
    if (this.settings.debug) this.log(`[parallel-hooks] ${this.settings.bin} ${args.join(' ')}`);
    const result = await execa(this.settings.bin, args, {
      reject: false,
      ...(this.stdin === undefined ? { stdin: 'ignore' as const } : this.inputOptions()),
      maxBuffer: 512 * 1024 * 1024,
      ...this.killOptions(),
    }).catch((cause: unknown) => {
      throw new PluginError(`cannot run helm (${this.settings.bin})`, {
        cause,
        hint: 'Run the plugin through helm (helm parallel-hooks ...), or set HELM_BIN to the helm binary.',
      });
    });
    if (result.isCanceled) throw new InterruptedError(`helm ${args[0]} was running`);
    if (result.failed) {
      const stderr = String(result.stderr ?? '').trim();
      throw new HelmError(`helm ${args[0]} failed${stderr ? `: ${lastLine(stderr)}` : ''}`, {
        exitCode: result.exitCode ?? 1,
        helmArgs: args,
        stderr,
      });
    }
    return String(result.stdout);
  }

  async version(): Promise<HelmVersion> {
    const raw = (await this.capture(['version', '--template', '{{.Version}}'])).trim();
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(raw);
    if (!m) throw new PluginError(`cannot read helm's version from "${raw}"`);
    return { raw, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  }

  /**
   * The would-be release of an install or upgrade: `helm <cmd> <user args> --dry-run=server -o json`. Its
   * info.status says install or upgrade; its hooks are helm's own rendering of the chart. A whole release,
   * which the plugin stores as the pending revision while pre hooks run.
   */
  async render(
    command: 'install' | 'upgrade',
    userArgs: readonly string[],
    mode: 'server' | 'client' = 'server',
  ): Promise<RecordJson> {
    return parseRelease(await this.capture([command, ...userArgs, `--dry-run=${mode}`, '-o', 'json']), command);
  }

  /** `helm pull CHART <flags> --destination DIR`: the chart archive, fetched once. Resolves to its path. */
  async pull(chart: string, flags: readonly string[], dir: string): Promise<string> {
    await this.capture(['pull', chart, ...flags, '--destination', dir]);
    const file = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!file) throw new PluginError(`helm pull ${chart} left no chart archive in ${dir}`);
    return `${dir}/${file}`;
  }

  /**
   * `helm show crds CHART` with the user's chart-locating flags: the CRDs of the chart's crds/ folders
   * (its subcharts' included), which helm installs before rendering an install.
   */
  async showCrds(chartArgs: readonly string[]): Promise<string> {
    return this.capture(['show', 'crds', ...chartArgs]);
  }

  /**
   * helm's main command, with the user's terminal: its output passes through untouched. Resolves to helm's
   * exit code (0 on success); never throws on a helm failure, so the caller decides.
   */
  async passthrough(args: readonly string[]): Promise<number> {
    if (this.settings.debug) this.log(`[parallel-hooks] ${this.settings.bin} ${args.join(' ')}`);
    try {
      const result = await execa(this.settings.bin, args, {
        ...(this.stdin === undefined
          ? { stdio: 'inherit' as const }
          : { ...this.inputOptions(), stdout: 'inherit' as const, stderr: 'inherit' as const }),
        reject: false,
        ...this.killOptions(),
      });
      return result.exitCode ?? 1;
    } catch (cause) {
      throw new PluginError(`cannot run helm (${this.settings.bin})`, { cause });
    }
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '').replace(/^Error:\s*/, '');
}

function parseRelease(out: string, what: string): RecordJson {
  try {
    const release = parseExact(out) as RecordJson;
    if (typeof release.name !== 'string' || typeof release.namespace !== 'string') throw new Error('no release name');
    if (typeof release.info?.status !== 'string') throw new Error('no release status');
    return release;
  } catch (cause) {
    throw new PluginError(`cannot read the release JSON printed by helm ${what}`, {
      cause,
      hint: 'Check that HELM_BIN is helm 3.13 or later (the plugin needs --dry-run=server and -o json).',
    });
  }
}
