/**
 * The launcher's hand-over of NODE_EXTRA_CA_CERTS (see extra-ca.ts for why): no imports, so the CLI can
 * put the variable back first thing without loading TLS.
 */
const HANDED_OVER = 'HELM_PARALLEL_HOOKS_EXTRA_CA_CERTS';
let handedOver: string | undefined;

/** Puts NODE_EXTRA_CA_CERTS back as the user set it; call before anything reads or passes on `env`. */
export function restoreExtraCaEnv(env: NodeJS.ProcessEnv): void {
  const file = env[HANDED_OVER];
  if (file === undefined) return;
  delete env[HANDED_OVER];
  if (file === '') return;
  env.NODE_EXTRA_CA_CERTS = file;
  handedOver = file;
}

/** The extra CA file node did not load because the launcher handed it over; undefined otherwise. */
export function handedOverExtraCaFile(): string | undefined {
  return handedOver;
}
