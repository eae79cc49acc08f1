/**
 * NODE_EXTRA_CA_CERTS without its start-up cost. Node reads the file before any code runs and builds a
 * root store from it and every bundled certificate (docs/BENCHMARKS.md, the start-up probe: a bare node
 * start with and without it). The launcher hands the path over under another name; the CLI puts
 * it back into the environment at once (extra-ca-env.ts: helm, and whatever helm runs, see the user's
 * environment), and this adds it to the trusted roots of the plugin's own connections only where node
 * would have used it: a cluster whose kubeconfig names no CA, with verification on.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { handedOverExtraCaFile } from './extra-ca-env.js';

let roots: string[] | undefined;

interface TlsTrust {
  ca?: unknown;
  rejectUnauthorized?: boolean;
}

/**
 * The connection's options with the extra certificates trusted where node would have trusted them: no CA
 * of its own and verification on. Node ignores an unreadable file with a warning; so does this, leaving
 * node's bundled roots.
 */
export function trustExtraCa<T extends TlsTrust>(options: T): T {
  const file = handedOverExtraCaFile();
  if (file === undefined || options.ca !== undefined || options.rejectUnauthorized === false) return options;
  if (!roots) {
    roots = [...rootCertificates];
    try {
      roots.push(readFileSync(file, 'utf8'));
    } catch (error) {
      process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(error as Error).message}`);
    }
  }
  return { ...options, ca: roots };
}
