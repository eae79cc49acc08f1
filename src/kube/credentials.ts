/**
 * What each request carries to prove who it is, as client-go attaches it (docs/CREDENTIALS.md): a bearer
 * token (given, or read from tokenFile and re-read when client-go would), basic auth, an exec plugin's token
 * or client certificate, an OIDC id-token; and the impersonation headers. Values are never put into a
 * message.
 */
import { readFileSync } from 'node:fs';
import { PluginError } from '../errors.js';
import { type ExecCredential, ExecCredentialProvider, type ExecDeps } from './exec-credential.js';
import type { AuthConfig, Impersonation } from './rest-config.js';

/** What one request is sent with. `source` identifies the credential, for a 401 to refresh exactly it. */
export interface AppliedAuth {
  headers: Record<string, string | string[]>;
  clientCert: { cert: Buffer; key: Buffer } | undefined;
  source: ExecCredential | undefined;
}

/** client-go re-reads a token file when its copy is a minute old, less a 10 s leeway. */
const TOKEN_FILE_PERIOD_MS = 50_000;
/** client-go's OIDC provider treats an id-token as expired 10 s before its exp claim. */
const OIDC_EXPIRY_DELTA_MS = 10_000;

export class Credentials {
  readonly exec: ExecCredentialProvider | undefined;
  private fileToken: { token: string; readAt: number } | undefined;
  private readonly now: () => number;
  private readonly fixed: Record<string, string | string[]>;

  constructor(
    private readonly auth: AuthConfig,
    impersonate: Impersonation | undefined,
    deps: ExecDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.exec = auth.type === 'exec' ? new ExecCredentialProvider(auth.exec, auth.cluster, auth.user, deps) : undefined;
    this.fixed = impersonationHeaders(impersonate);
    if (auth.type === 'basic' && auth.username)
      this.fixed.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  /**
   * What client-go checks when it builds its client, before any request: a token file it can read, an
   * OIDC id-token it can use. Throws a message without the secret.
   */
  check(): void {
    // Without a token beside it, the file is read when the client is built (an unreadable one is an error).
    if (this.auth.type === 'token' && this.auth.file && !this.auth.token) this.tokenFromFile(true);
    if (this.auth.type === 'oidc') oidcToken(this.auth.config, this.auth.user, this.now());
  }

  async apply(): Promise<AppliedAuth> {
    const headers: Record<string, string | string[]> = { ...this.fixed };
    const auth = this.auth;
    if (auth.type === 'token') {
      // client-go prefers the file's token on every request (re-read as its copy ages), even over a token
      // given beside it (helm's --kube-token cannot clear a kubeconfig's tokenFile); the token is the fallback.
      const token = auth.file ? (this.tokenFromFile(false) ?? auth.token) : auth.token;
      headers.Authorization = `Bearer ${token}`;
    } else if (auth.type === 'oidc') {
      headers.Authorization = `Bearer ${oidcToken(auth.config, auth.user, this.now())}`;
    } else if (this.exec) {
      const credential = await this.exec.get();
      if (credential.token) headers.Authorization = `Bearer ${credential.token}`;
      const clientCert = credential.cert && credential.key ? { cert: credential.cert, key: credential.key } : undefined;
      return { headers, clientCert, source: credential };
    }
    return { headers, clientCert: undefined, source: undefined };
  }

  /** A 401 answered to `applied`: true when fresh credentials were fetched and the request may be sent again. */
  async unauthorized(applied: AppliedAuth): Promise<boolean> {
    if (!this.exec || !applied.source) return false;
    await this.exec.unauthorized(applied.source);
    return true;
  }

  /**
   * The token file's token: read at first use and again once client-go's copy would have expired; a failed
   * re-read keeps the last token (client-go logs it and goes on), a failed first read is an error.
   */
  private tokenFromFile(first: boolean): string | undefined {
    const auth = this.auth as Extract<AuthConfig, { type: 'token' }>;
    const file = auth.file as string;
    const now = this.now();
    if (this.fileToken && now - this.fileToken.readAt < TOKEN_FILE_PERIOD_MS) return this.fileToken.token;
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim();
      if (token === '') throw Object.assign(new Error('empty'), { code: 'empty' });
    } catch (cause) {
      if (this.fileToken && !first) return this.fileToken.token;
      if (!first && auth.token) return undefined;
      // client-go reads the file when it builds the client; a token given beside it is then never sent.
      throw new PluginError(
        `cannot read the token file ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'}); nothing was run`,
        { hint: 'The kubeconfig user names this tokenFile; helm cannot read it either.' },
      );
    }
    this.fileToken = { token, readAt: now };
    return token;
  }
}

/** client-go's impersonation headers: user, uid, one Impersonate-Group per group, Impersonate-Extra-<key>. */
export function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string | string[]> {
  if (!impersonate) return {};
  const headers: Record<string, string | string[]> = { 'Impersonate-User': impersonate.user };
  // Header names are case-insensitive; '%' is always escaped, so a key cannot be read back wrongly.
  if (impersonate.uid) headers['Impersonate-Uid'] = impersonate.uid;
  if (impersonate.groups.length > 0) headers['Impersonate-Group'] = [...impersonate.groups];
  for (const [key, values] of Object.entries(impersonate.extra))
    if (values.length > 0) headers[`Impersonate-Extra-${headerKeyEscape(key)}`] = [...values];
  return headers;
}

/** A header name may hold only token characters: any other byte is percent-encoded (client-go's escape). */
function headerKeyEscape(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&'*+\-.^_`|~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The OIDC auth-provider's id-token, used as client-go uses it while it is valid. An expired one is refreshed
 * by client-go from the issuer and written back to the kubeconfig; the plugin does not do that itself: helm's
 * own first call refreshes it (install and upgrade read the kubeconfig after helm's render), else the plugin
 * refuses before anything runs.
 */
function oidcToken(config: Record<string, string>, user: string, now: number): string {
  if (!config['idp-issuer-url']) throw oidcError(user, 'Must provide idp-issuer-url');
  if (!config['client-id']) throw oidcError(user, 'Must provide client-id');
  const token = config['id-token'];
  if (token && idTokenValid(token, now, user)) return token;
  if (!config['refresh-token']) throw oidcError(user, 'No valid id-token, and cannot refresh without refresh-token');
  throw new PluginError(
    `the OIDC id-token of user "${user}" has expired; the plugin does not refresh OIDC tokens itself; nothing was run`,
    {
      hint: 'Run any helm or kubectl command once (it refreshes the token in the kubeconfig), or use an exec credential plugin such as kubelogin.',
    },
  );
}

function idTokenValid(token: string, now: number, user: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) throw oidcError(user, 'ID Token is not a valid JWT');
  let claims: { exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as { exp?: unknown };
  } catch {
    throw oidcError(user, 'parsing claims: the id-token payload is not JSON');
  }
  return typeof claims.exp === 'number' && now + OIDC_EXPIRY_DELTA_MS < claims.exp * 1000;
}

function oidcError(user: string, reason: string): PluginError {
  return new PluginError(`the OIDC auth-provider of user "${user}": ${reason}; nothing was run`, {
    hint: 'helm fails the same way: fix the auth-provider entry in the kubeconfig.',
  });
}
