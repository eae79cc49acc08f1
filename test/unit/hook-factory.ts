/** Hooks for unit tests: each call is rendered after the previous one unless renderIndex is given. */
import type { Hook } from '../../src/hooks/model.js';

let nextIndex = 0;

const API_VERSIONS: Record<string, string> = {
  Job: 'batch/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
};

/** Weights may be given as numbers for brevity; hooks hold them as BigInt, as the parser makes them. */
export function makeHook(
  name: string,
  over: Partial<Omit<Hook, 'weight'>> & { weight?: number | bigint } = {},
  namespace = 'ns',
): Hook {
  const kind = over.kind ?? 'Job';
  const apiVersion = API_VERSIONS[kind] ?? 'v1';
  return {
    name,
    kind,
    apiVersion,
    namespace,
    path: 'c/templates/hooks.yaml',
    events: ['pre-install'],
    deletePolicies: [],
    outputLogPolicies: [],
    serial: false,
    renderIndex: nextIndex++,
    object: { apiVersion, kind, metadata: { name } },
    ...over,
    weight: BigInt(over.weight ?? 0),
  };
}
