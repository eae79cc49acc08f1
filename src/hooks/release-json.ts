/**
 * helm's release JSON, as the plugin sees it: `ReleaseJson` is what it reads (a render's would-be release,
 * `helm status -o json`, a stored revision), `RecordJson` a release it may write back to helm's storage: the
 * same fields, with every other field carried as it is (read with util/exact-json). A RecordJson is a
 * ReleaseJson, so a stored revision plans its hooks without a cast.
 */

/** The part of helm's release JSON this plugin reads. */
export interface ReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info?: { status?: string; description?: string };
  /** Only the metadata's name and annotations are read; the rest is carried. */
  chart?: {
    metadata?: { name?: string; annotations?: Record<string, string>; [k: string]: unknown };
    [k: string]: unknown;
  };
  hooks?: ReleaseHookJson[];
  manifest?: string;
  apply_method?: string;
}

export interface ReleaseHookJson {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events?: string[];
  /** A number, or an ExactNumber past 2^53 (helm's JSON read with util/exact-json). */
  weight?: unknown;
  delete_policies?: string[];
  output_log_policies?: string[];
}

/** A release the plugin may write back: the fields it changes typed, every other one carried as it is. */
export interface RecordJson extends ReleaseJson {
  info: {
    status: string;
    description?: string;
    deleted?: string;
    first_deployed?: string;
    last_deployed?: string;
    [k: string]: unknown;
  };
  hooks?: RecordHookJson[];
  [k: string]: unknown;
}

/** A hook as stored, with its last run (helm 3 writes zero times as "", helm 4 leaves them out). */
export interface RecordHookJson extends ReleaseHookJson {
  last_run?: { started_at?: string; completed_at?: string; phase?: string };
  [k: string]: unknown;
}
