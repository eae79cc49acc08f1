/**
 * helm's own arguments, as the user typed them. The plugin passes them on verbatim; it only needs to read a
 * few (--timeout, --dry-run, --create-namespace, ...) and to find the positionals (release name, chart,
 * revision). For that it must know which helm flags take a value: VALUE_FLAGS is checked against the
 * `--help` of helm 3.18.0 and 4.1.4 recorded in test/fixtures/helm (test/unit/args.test.ts).
 */

export type HelmCommand = 'install' | 'upgrade' | 'rollback' | 'uninstall';

/** Long flags (every wrapped command, either major) whose value may be the next argument. */
export const VALUE_FLAGS: ReadonlySet<string> = new Set([
  'burst-limit',
  'ca-file',
  'cascade',
  'cert-file',
  'color',
  'colour',
  'content-cache',
  'description',
  'history-max',
  'key-file',
  'keyring',
  'kube-apiserver',
  'kube-as-group',
  'kube-as-user',
  'kube-ca-file',
  'kube-context',
  'kube-tls-server-name',
  'kube-token',
  'kubeconfig',
  'labels',
  'name-template',
  'namespace',
  'output',
  'password',
  'post-renderer',
  'post-renderer-args',
  'qps',
  'registry-config',
  'repo',
  'repository-cache',
  'repository-config',
  'set',
  'set-file',
  'set-json',
  'set-literal',
  'set-string',
  'timeout',
  'username',
  'values',
  'version',
]);
/** Value flags of one command only: helm 4's --server-side takes a value in upgrade and rollback, not install. */
const COMMAND_VALUE_FLAGS: Partial<Record<HelmCommand, readonly string[]>> = {
  upgrade: ['server-side'],
  rollback: ['server-side'],
};

export function valueFlagsFor(command: HelmCommand | undefined): ReadonlySet<string> {
  const extra = command ? COMMAND_VALUE_FLAGS[command] : undefined;
  return extra ? new Set([...VALUE_FLAGS, ...extra]) : VALUE_FLAGS;
}

/** Short flags that take a value: -f values, -l labels, -n namespace, -o output. */
export const VALUE_SHORT_FLAGS: ReadonlySet<string> = new Set(['f', 'l', 'n', 'o']);
const SHORT_TO_LONG: Record<string, string> = {
  f: 'values',
  l: 'labels',
  n: 'namespace',
  o: 'output',
  i: 'install',
  g: 'generate-name',
  h: 'help',
};

export interface FlagToken {
  type: 'flag';
  /** Long name, without dashes (short flags are mapped to their long name). */
  name: string;
  value: string | undefined;
  /** The argv entries this flag occupies. */
  raw: string[];
}
export interface PositionalToken {
  type: 'positional';
  value: string;
  raw: string[];
}
export type Token = FlagToken | PositionalToken;

/** Splits helm arguments into flags and positionals without changing any of them. */
export function tokenize(args: readonly string[], command?: HelmCommand): Token[] {
  const valueFlags = valueFlagsFor(command);
  const tokens: Token[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      tokens.push({ type: 'flag', name: '--', value: undefined, raw: ['--'] });
      for (const rest of args.slice(i + 1)) tokens.push({ type: 'positional', value: rest, raw: [rest] });
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) tokens.push({ type: 'flag', name, value: arg.slice(eq + 1), raw: [arg] });
      else if (valueFlags.has(name) && i + 1 < args.length) {
        tokens.push({ type: 'flag', name, value: args[i + 1], raw: [arg, args[i + 1] as string] });
        i++;
      } else tokens.push({ type: 'flag', name, value: undefined, raw: [arg] });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      // -fvalues.yaml, -f values.yaml, -f=values.yaml, or grouped booleans like -ig
      const letter = arg[1] as string;
      const long = SHORT_TO_LONG[letter] ?? letter;
      if (VALUE_SHORT_FLAGS.has(letter)) {
        if (arg.length > 2)
          tokens.push({ type: 'flag', name: long, value: arg.slice(arg[2] === '=' ? 3 : 2), raw: [arg] });
        else if (i + 1 < args.length) {
          tokens.push({ type: 'flag', name: long, value: args[i + 1], raw: [arg, args[i + 1] as string] });
          i++;
        } else tokens.push({ type: 'flag', name: long, value: undefined, raw: [arg] });
      } else {
        for (const l of arg.slice(1))
          tokens.push({ type: 'flag', name: SHORT_TO_LONG[l] ?? l, value: undefined, raw: [] });
        const last = tokens[tokens.length - 1] as FlagToken;
        last.raw = [arg];
      }
      continue;
    }
    tokens.push({ type: 'positional', value: arg, raw: [arg] });
  }
  return tokens;
}

/** Read-only view of helm arguments with the questions the plugin asks of them. */
export class HelmArgs {
  readonly args: readonly string[];
  readonly tokens: readonly Token[];
  constructor(args: readonly string[], command?: HelmCommand) {
    this.args = args;
    this.tokens = tokenize(args, command);
  }

  positionals(): string[] {
    return this.tokens.filter((t): t is PositionalToken => t.type === 'positional').map((t) => t.value);
  }

  /** The last value given to a flag (helm's own "last wins"), or undefined. */
  value(name: string): string | undefined {
    let found: string | undefined;
    for (const t of this.tokens) if (t.type === 'flag' && t.name === name && t.value !== undefined) found = t.value;
    return found;
  }

  has(name: string): boolean {
    return this.tokens.some((t) => t.type === 'flag' && t.name === name);
  }

  /** A boolean flag: present, and not `--flag=false`. */
  bool(name: string): boolean {
    let on = false;
    for (const t of this.tokens) {
      if (t.type === 'flag' && t.name === name) on = t.value === undefined || !/^(false|0|f)$/i.test(t.value);
    }
    return on;
  }

  /** argv with every positional removed (flags and their values kept, in order). */
  flagsOnly(): string[] {
    return this.tokens.filter((t) => t.type === 'flag').flatMap((t) => t.raw);
  }

  /** The argv entries of the named flags only (with their values), in order. */
  pick(...names: string[]): string[] {
    return this.tokens.filter((t) => t.type === 'flag' && names.includes(t.name)).flatMap((t) => t.raw);
  }

  /** A copy of argv without the named flags (and their values). */
  without(...names: string[]): string[] {
    return this.tokens.filter((t) => !(t.type === 'flag' && names.includes(t.name))).flatMap((t) => t.raw);
  }

  /** The release namespace, as helm resolves it: -n (also attached, -nNS), else HELM_NAMESPACE, else default. */
  releaseNamespace(env: NodeJS.ProcessEnv): string {
    return this.value('namespace') || env.HELM_NAMESPACE || 'default';
  }

  /** helm will read standard input: `-f -` / `--values -`, or a --set-file value read from /dev/stdin. */
  readsStdin(): boolean {
    return this.tokens.some(
      (t) =>
        t.type === 'flag' &&
        t.value !== undefined &&
        ((t.name === 'values' && t.value.split(',').includes('-')) ||
          (t.name === 'set-file' && setFilePaths(t.value).some(isStdinPath))),
    );
  }

  /** The values of a flag given several times (helm's --labels k=v,k2=v2 style), in order. */
  values(name: string): string[] {
    return this.tokens.flatMap((t) => (t.type === 'flag' && t.name === name && t.value !== undefined ? [t.value] : []));
  }

  /**
   * helm's dry-run flag: install/upgrade take `--dry-run[=client|server|none|true|false|unset]`, rollback and
   * uninstall a plain boolean. Returns true when helm would not change the cluster.
   */
  isDryRun(): boolean {
    let dry = false;
    for (const t of this.tokens) {
      if (t.type === 'flag' && t.name === 'dry-run')
        dry = t.value === undefined || !/^(none|false|0|f)$/i.test(t.value);
    }
    return dry;
  }
}

/** The files of one --set-file value (`k=path[,k2=path2]`), in order. */
export function setFilePaths(value: string): string[] {
  return value.split(',').map((pair) => pair.slice(pair.indexOf('=') + 1));
}

/** A path through which helm reads its own standard input. */
export function isStdinPath(file: string): boolean {
  return file === '/dev/stdin' || file === '/proc/self/fd/0';
}
