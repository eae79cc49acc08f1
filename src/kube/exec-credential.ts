/**
 * An exec credential plugin (EKS `aws eks get-token`, GKE `gke-gcloud-auth-plugin`, AKS `kubelogin`, ...)
 * run as client-go runs it (docs/CREDENTIALS.md, "Exec plugins"):
 * - once per process: the credential is kept until its expirationTimestamp (none: for the whole process);
 *   requests that need it meanwhile wait for the one run;
 * - again after a 401 answered to the credential still cached (once: a 401 to an older one only waits);
 * - with KUBERNETES_EXEC_INFO: apiVersion, kind, spec.interactive and, with provideClusterInfo, spec.cluster;
 * - with the kubeconfig's env added to the process environment, its args, stderr passed through to the
 *   user, stdin given only when interactive (interactiveMode Never / IfAvailable / Always);
 * - failures in client-go's words, the installHint shown when the command is missing; never its stdout
 *   (it holds the token).
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { normalize } from 'node:path';
import { PluginError } from '../errors.js';
import type { ExecConfig } from './kubeconfig.js';
import type { ExecClusterInfo } from './rest-config.js';

export interface ExecCredential {
  token: string | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
  /** ms since the epoch; undefined: valid for the whole process. */
  expiresAt: number | undefined;
}

/** How one run is done: the real one spawns the command; unit tests give their own. */
export type ExecRunner = (
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin: 'inherit' | 'ignore' },
) => Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; notFound: boolean }>;

export interface ExecDeps {
  env: NodeJS.ProcessEnv;
  /** Whether the plugin's standard input is a terminal (client-go asks of stdin). */
  stdinIsTerminal: boolean;
  now?: () => number;
  run?: ExecRunner;
}

const NOT_INSTALLED = [
  'It looks like you are trying to use a client-go credential plugin that is not installed.',
  '',
  'To learn more about this feature, consult the documentation available at:',
  '      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins',
].join('\n');

export class ExecCredentialProvider {
  /** How many times the command ran (the benchmark and tests read it). */
  runs = 0;
  private cached: ExecCredential | undefined;
  private running: Promise<ExecCredential> | undefined;
  private prefetched: Promise<ExecCredential> | undefined;
  private readonly now: () => number;
  private readonly run: ExecRunner;

  constructor(
    private readonly exec: ExecConfig,
    private readonly cluster: ExecClusterInfo | undefined,
    private readonly user: string,
    private readonly deps: ExecDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.run = deps.run ?? spawnRunner;
  }

  /**
   * Runs the plugin now, before any request needs it (while helm renders): the first get() then takes this
   * run's result, credential or failure, without running it again.
   */
  prefetch(): void {
    if (this.cached || this.running || this.prefetched) return;
    const run = this.refresh();
    run.catch(() => undefined);
    this.prefetched = run;
  }

  /** The cached credential while it is valid, else the result of one (shared) run. */
  get(): Promise<ExecCredential> {
    const early = this.prefetched;
    if (early) {
      this.prefetched = undefined;
      return early;
    }
    const cached = this.cached;
    if (cached && (cached.expiresAt === undefined || this.now() <= cached.expiresAt)) return Promise.resolve(cached);
    return this.refresh();
  }

  /** A 401 was answered to `used`: run again unless a newer credential already replaced it. */
  unauthorized(used: ExecCredential): Promise<ExecCredential> {
    if (this.cached !== used) return this.get();
    this.cached = undefined;
    return this.refresh();
  }

  private refresh(): Promise<ExecCredential> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private interactive(): boolean {
    const mode = this.exec.interactiveMode ?? 'IfAvailable';
    if (mode === 'Never') return false;
    if (mode === 'Always' && !this.deps.stdinIsTerminal) {
      throw this.failure('exec plugin cannot support interactive mode: standard input is not a terminal');
    }
    return this.deps.stdinIsTerminal;
  }

  private async runOnce(): Promise<ExecCredential> {
    const interactive = this.interactive();
    const apiVersion = this.exec.apiVersion as string;
    // client-go's encoding: kind, apiVersion, spec (cluster first, its config null when the cluster has no
    // exec extension), a trailing newline.
    const info = {
      kind: 'ExecCredential',
      apiVersion,
      spec: {
        ...(this.cluster ? { cluster: { ...this.cluster, config: this.cluster.config ?? null } } : {}),
        interactive,
      },
    };
    const env: NodeJS.ProcessEnv = { ...this.deps.env };
    for (const e of this.exec.env ?? []) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = `${goJson(info)}\n`;
    this.runs++;
    let result: Awaited<ReturnType<ExecRunner>>;
    try {
      result = await this.run(this.command(), this.exec.args ?? [], {
        env,
        stdin: interactive ? 'inherit' : 'ignore',
      });
    } catch (cause) {
      throw this.failure(`exec: ${(cause as Error).message}`);
    }
    if (result.notFound) {
      // A path (relative ones were made absolute from the kubeconfig's folder) fails as the OS says; a bare
      // name was looked up on PATH, and gets the kubeconfig's installHint.
      if (this.exec.command.includes('/') || this.exec.command.includes('\\'))
        throw this.failure(`exec: fork/exec ${this.exec.command}: no such file or directory`);
      const hint = this.exec.installHint ? `\n\n${printable(this.exec.installHint)}` : '';
      throw this.failure(`exec: executable ${this.exec.command} not found\n\n${NOT_INSTALLED}${hint}`);
    }
    if (result.code !== 0) {
      const how = result.code === null ? `was killed by ${result.signal}` : `failed with exit code ${result.code}`;
      throw this.failure(`exec: executable ${this.exec.command} ${how}`);
    }
    const credential = this.decode(result.stdout, apiVersion);
    this.cached = credential;
    return credential;
  }

  /** A path is cleaned as Go's filepath.Clean cleans it; a bare name is left to the PATH lookup. */
  private command(): string {
    const c = this.exec.command;
    return c.includes('/') || c.includes('\\') ? normalize(c) : c;
  }

  private decode(stdout: string, apiVersion: string): ExecCredential {
    let doc: {
      kind?: unknown;
      apiVersion?: unknown;
      status?: {
        token?: unknown;
        clientCertificateData?: unknown;
        clientKeyData?: unknown;
        expirationTimestamp?: unknown;
      };
    };
    try {
      doc = JSON.parse(stdout);
    } catch {
      // The text is not quoted: it may hold a token.
      throw this.failure('decoding stdout: the exec plugin did not print an ExecCredential JSON object');
    }
    if (doc === null || typeof doc !== 'object') throw this.failure('decoding stdout: not an ExecCredential object');
    if (doc.kind !== 'ExecCredential')
      throw this.failure('decoding stdout: the object printed is not of kind ExecCredential');
    if (doc.apiVersion !== apiVersion) {
      throw this.failure(
        `exec plugin is configured to use API version ${apiVersion}, plugin returned version ${typeof doc.apiVersion === 'string' && doc.apiVersion !== '' ? doc.apiVersion : 'client.authentication.k8s.io/__internal'}`,
      );
    }
    const status = doc.status;
    if (!status || typeof status !== 'object') throw this.failure("exec plugin didn't return a status field");
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const token = str(status.token);
    const cert = str(status.clientCertificateData);
    const key = str(status.clientKeyData);
    if (!token && !cert && !key) throw this.failure("exec plugin didn't return a token or cert/key pair");
    if (!cert !== !key) throw this.failure('exec plugin returned only certificate or key, not both');
    let expiresAt: number | undefined;
    if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null) {
      const text = status.expirationTimestamp;
      expiresAt = typeof text === 'string' && RFC3339.test(text) ? Date.parse(text) : Number.NaN;
      if (Number.isNaN(expiresAt)) throw this.failure('decoding stdout: expirationTimestamp is not an RFC 3339 time');
    }
    if (cert && key) {
      try {
        new X509Certificate(cert);
        createPrivateKey(key);
      } catch (cause) {
        throw this.failure(`failed parsing client key/certificate: ${(cause as Error).message}`);
      }
    }
    return {
      token,
      cert: cert ? Buffer.from(cert, 'utf8') : undefined,
      key: key ? Buffer.from(key, 'utf8') : undefined,
      expiresAt,
    };
  }

  private failure(reason: string): PluginError {
    return new PluginError(`getting credentials for user "${this.user}": ${reason}`, {
      hint: "The kubeconfig's exec credential plugin failed (its own messages, if any, are above); helm uses the same plugin and fails the same way. Fix it (log in again, install it), then retry.",
    });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** JSON as Go's encoder writes it: <, >, & and the line separators escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** client-go shows an installHint with control characters (terminal escapes) replaced by U+XXXX. */
function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    const control = code < 0x20 ? code < 0x09 || code > 0x0d : code >= 0x7f && code <= 0x9f;
    out += control ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : c;
  }
  return out;
}

const spawnRunner: ExecRunner = (command, args, opts) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env,
      stdio: [opts.stdin, 'pipe', 'inherit'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve({ code: null, signal: null, stdout: '', notFound: true });
      else reject(error);
    });
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(chunks).toString('utf8'), notFound: false }),
    );
  });
