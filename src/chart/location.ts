/** Where a chart comes from, read from helm's arguments: fetched by helm, or a local folder or archive. */

/** Chart-locating flags that only matter while fetching: dropped once the chart is a local file. */
export const FETCH_ONLY_FLAGS = [
  'version',
  'repo',
  'username',
  'password',
  'ca-file',
  'cert-file',
  'key-file',
  'insecure-skip-tls-verify',
  'plain-http',
  'pass-credentials',
  'keyring',
  'verify',
  'devel',
] as const;

/** Flags that say where a chart comes from and how to fetch it: what `helm show crds` and `helm pull` need. */
export const CHART_LOCATING_FLAGS = [
  ...FETCH_ONLY_FLAGS,
  'registry-config',
  'repository-cache',
  'repository-config',
] as const;

/**
 * A chart that helm fetches (a repository chart, `--repo`, an `oci://` reference, an http(s) URL), as
 * opposed to a local folder or archive. Such a chart is fetched once (`helm pull`) and every helm call of the
 * command uses that file: a `--version` range or a repository updated meanwhile cannot give the render (the
 * hooks) and the main command two different chart versions.
 */
export function isFetchedChart(chart: string, hasRepoFlag: boolean, exists: (path: string) => boolean): boolean {
  if (hasRepoFlag || /^(oci|https?):\/\//.test(chart)) return true;
  if (exists(chart)) return false;
  return /^[^/.][^/]*\/[^/]+$/.test(chart); // "repo/chart" of a configured repository
}
