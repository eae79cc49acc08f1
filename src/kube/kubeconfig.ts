/**
 * The kubeconfig as client-go reads it (docs/CREDENTIALS.md, "Which kubeconfig"): KUBECONFIG is a list
 * (':' on Unix, ';' on Windows), duplicates and empty entries dropped, missing files skipped; without it,
 * ~/.kube/config. For each cluster, user and context name, and for current-context, the FIRST file that sets
 * it wins (the whole entry). Relative file paths in an entry are relative to the file that holds it:
 * certificate-authority, client-certificate, client-key, tokenFile, and an exec command that contains a path
 * separator (a bare name is looked up on PATH).
 *
 * No client library: the fields are kept as client-go names them (tokenFile, as-groups, as-user-extra, exec's
 * interactiveMode and provideClusterInfo, proxy-url, ...), so rest-config.ts can apply client-go's rules.
 * Errors name the file and the place, never its text: a kubeconfig holds tokens and keys.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { PluginError } from '../errors.js';

export interface KubeCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  /** name -> extension object (client-go keeps them by name). */
  extensions?: Record<string, unknown>;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface KubeUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
  username?: string;
  password?: string;
  'auth-provider'?: { name: string; config?: Record<string, string> };
  exec?: ExecConfig;
}

export interface KubeContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface Kubeconfig {
  /** The files read, in order (empty: none exists). */
  files: string[];
  currentContext: string | undefined;
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
  contexts: Map<string, KubeContext>;
}

/** The files of a KUBECONFIG value that exist, in order, each once. */
export function kubeconfigFiles(value: string): string[] {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const file of value.split(delimiter)) {
    if (file === '' || seen.has(file)) continue;
    seen.add(file);
    try {
      statSync(file);
    } catch {
      continue; // client-go skips a missing file of the list
    }
    files.push(file);
  }
  return files;
}

/** The files client-go reads for this KUBECONFIG value (undefined or empty: ~/.kube/config, if it exists). */
export function filesFor(kubeconfig: string | undefined, home = homedir()): string[] {
  if (kubeconfig) return kubeconfigFiles(kubeconfig);
  return kubeconfigFiles(join(home, '.kube', 'config'));
}

/** Reads and merges the files (first wins). Throws what helm would refuse, naming the file, never its text. */
export function loadKubeconfig(files: readonly string[]): Kubeconfig {
  const config: Kubeconfig = {
    files: [...files],
    currentContext: undefined,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const file of files) {
    const doc = readDocument(file);
    if (doc === undefined) continue;
    const folder = dirname(resolve(file));
    const current = doc['current-context'];
    if (config.currentContext === undefined && typeof current === 'string' && current !== '')
      config.currentContext = current;
    for (const [name, value] of named(doc.clusters, 'cluster', file)) {
      if (!config.clusters.has(name)) config.clusters.set(name, clusterOf(value, folder, file, name));
    }
    for (const [name, value] of named(doc.users, 'user', file)) {
      if (!config.users.has(name)) config.users.set(name, userOf(value, folder, file, name));
    }
    for (const [name, value] of named(doc.contexts, 'context', file)) {
      if (!config.contexts.has(name)) config.contexts.set(name, contextOf(value, file, name));
    }
  }
  return config;
}

function readDocument(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw invalid(file, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false });
  } catch (cause) {
    // The YAML library's pretty message quotes the offending lines (a token, a key): only the place is shown.
    const offset = (cause as { pos?: number[] }).pos?.[0];
    const code = (cause as { code?: string }).code;
    const place = offset === undefined ? '' : ` (${lineAndColumn(text, offset)})`;
    throw invalid(file, `is not valid YAML${place}${code ? `: ${code}` : ''}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw invalid(file, 'is not a kubeconfig (not a mapping)');
  return doc as Record<string, unknown>;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function invalid(file: string, what: string): PluginError {
  return new PluginError(`the kubeconfig ${file} ${what}; nothing was run`, {
    hint: 'Fix or remove that file from KUBECONFIG (helm refuses it too).',
  });
}

/** `[{name, <key>: {...}}]` entries as [name, value] pairs; a malformed entry is an error, as in client-go. */
function* named(list: unknown, key: string, file: string): Generator<[string, Record<string, unknown>]> {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw invalid(file, `has a "${key}s" that is not a list`);
  for (const entry of list) {
    if (entry === null || typeof entry !== 'object') throw invalid(file, `has a "${key}s" entry that is not a mapping`);
    const { name } = entry as { name?: unknown };
    if (typeof name !== 'string') throw invalid(file, `has a "${key}s" entry without a name`);
    const value = (entry as Record<string, unknown>)[key] ?? {};
    if (typeof value !== 'object' || Array.isArray(value))
      throw invalid(file, `has ${key} "${name}" that is not a mapping`);
    yield [name, value as Record<string, unknown>];
  }
}

type Checked = (field: string, value: unknown) => unknown;

function checker(file: string, kind: string, name: string): { str: Checked; bool: Checked; strings: Checked } {
  const wrong = (field: string, what: string) => invalid(file, `has ${kind} "${name}" whose ${field} is not ${what}`);
  return {
    str: (field, value) => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') throw wrong(field, 'a string');
      return value;
    },
    bool: (field, value) => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'boolean') throw wrong(field, 'true or false');
      return value;
    },
    strings: (field, value) => {
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw wrong(field, 'a list of strings');
      return value;
    },
  };
}

/** A relative path, relative to the kubeconfig's folder (client-go's ResolveLocalPaths). */
function local(path: string | undefined, folder: string): string | undefined {
  if (path === undefined || path === '' || isAbsolute(path)) return path;
  return join(folder, path);
}

function defined<T extends object>(value: T): T {
  for (const k of Object.keys(value) as (keyof T)[]) if (value[k] === undefined) delete value[k];
  return value;
}

function clusterOf(raw: Record<string, unknown>, folder: string, file: string, name: string): KubeCluster {
  const { str, bool } = checker(file, 'cluster', name);
  const extensions: Record<string, unknown> = {};
  if (Array.isArray(raw.extensions)) {
    for (const e of raw.extensions as { name?: unknown; extension?: unknown }[])
      if (e && typeof e.name === 'string') extensions[e.name] = e.extension;
  }
  return defined({
    server: str('server', raw.server) as string | undefined,
    'certificate-authority': local(str('certificate-authority', raw['certificate-authority']) as string, folder),
    'certificate-authority-data': str('certificate-authority-data', raw['certificate-authority-data']) as string,
    'insecure-skip-tls-verify': bool('insecure-skip-tls-verify', raw['insecure-skip-tls-verify']) as boolean,
    'tls-server-name': str('tls-server-name', raw['tls-server-name']) as string,
    'proxy-url': str('proxy-url', raw['proxy-url']) as string,
    'disable-compression': bool('disable-compression', raw['disable-compression']) as boolean,
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  });
}

function userOf(raw: Record<string, unknown>, folder: string, file: string, name: string): KubeUser {
  const { str, strings } = checker(file, 'user', name);
  const extra = raw['as-user-extra'];
  if (extra !== undefined && extra !== null) {
    const ok =
      typeof extra === 'object' &&
      !Array.isArray(extra) &&
      Object.values(extra).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
    if (!ok) throw invalid(file, `has user "${name}" whose as-user-extra is not a map of string lists`);
  }
  const provider = raw['auth-provider'] as { name?: unknown; config?: unknown } | undefined | null;
  if (provider !== undefined && provider !== null && typeof provider.name !== 'string')
    throw invalid(file, `has user "${name}" whose auth-provider has no name`);
  return defined({
    'client-certificate': local(str('client-certificate', raw['client-certificate']) as string, folder),
    'client-certificate-data': str('client-certificate-data', raw['client-certificate-data']) as string,
    'client-key': local(str('client-key', raw['client-key']) as string, folder),
    'client-key-data': str('client-key-data', raw['client-key-data']) as string,
    token: str('token', raw.token) as string,
    tokenFile: local(str('tokenFile', raw.tokenFile) as string, folder),
    as: str('as', raw.as) as string,
    'as-uid': str('as-uid', raw['as-uid']) as string,
    'as-groups': strings('as-groups', raw['as-groups']) as string[],
    'as-user-extra': (extra ?? undefined) as Record<string, string[]> | undefined,
    username: str('username', raw.username) as string,
    password: str('password', raw.password) as string,
    'auth-provider': provider
      ? { name: provider.name as string, config: (provider.config ?? {}) as Record<string, string> }
      : undefined,
    exec: raw.exec ? execOf(raw.exec, folder, file, name) : undefined,
  });
}

function execOf(raw: unknown, folder: string, file: string, name: string): ExecConfig {
  if (typeof raw !== 'object' || raw === null) throw invalid(file, `has user "${name}" whose exec is not a mapping`);
  const r = raw as Record<string, unknown>;
  const { str, bool, strings } = checker(file, 'user', name);
  const command = str('exec command', r.command) as string | undefined;
  const env = r.env;
  if (env !== undefined && env !== null) {
    const ok =
      Array.isArray(env) &&
      env.every((e) => e && typeof e.name === 'string' && (e.value === undefined || typeof e.value === 'string'));
    if (!ok) throw invalid(file, `has user "${name}" whose exec env is not a list of {name, value}`);
  }
  return defined({
    // A command with a path separator is a path, relative to the kubeconfig; a bare name is looked up on PATH.
    command:
      command !== undefined && (command.includes(sep) || command.includes('/'))
        ? (local(command, folder) as string)
        : (command ?? ''),
    args: strings('exec args', r.args) as string[] | undefined,
    env: (env as { name: string; value?: string }[] | undefined)?.map((e) => ({ name: e.name, value: e.value ?? '' })),
    apiVersion: str('exec apiVersion', r.apiVersion) as string | undefined,
    installHint: str('exec installHint', r.installHint) as string | undefined,
    provideClusterInfo: bool('exec provideClusterInfo', r.provideClusterInfo) as boolean | undefined,
    interactiveMode: str('exec interactiveMode', r.interactiveMode) as string | undefined,
  });
}

function contextOf(raw: Record<string, unknown>, file: string, name: string): KubeContext {
  const { str } = checker(file, 'context', name);
  return defined({
    cluster: str('cluster', raw.cluster) as string | undefined,
    user: str('user', raw.user) as string | undefined,
    namespace: str('namespace', raw.namespace) as string | undefined,
  });
}
