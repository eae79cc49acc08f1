/**
 * Keeps one release record true while the plugin runs hooks around helm: each hook's last run (started,
 * completed, phase) as helm records it, and the revision's status and description at each step, written to
 * helm's storage. Writes are serialized and coalesced: at most one in flight, the newest state last.
 */
import type { Hook } from '../hooks/model.js';
import type { RecordHookJson } from '../hooks/release-json.js';
import type { HookResult } from '../hooks/results.js';
import { type ReleaseRecord, type ReleaseStore, recordTime } from '../kube/release-store.js';

export class RecordKeeper {
  private writing: Promise<void> | undefined;
  private dirty = false;
  private failure: unknown;
  /** Hooks recorded as started: helm records no outcome for a hook that failed before it was created. */
  private readonly started = new Set<number>();

  constructor(
    private readonly store: ReleaseStore,
    readonly record: ReleaseRecord,
  ) {}

  get name(): string {
    return this.record.name;
  }
  get version(): number {
    return this.record.version;
  }

  private hookJson(hook: Hook): RecordHookJson | undefined {
    return this.record.release.hooks?.[hook.renderIndex];
  }

  /** helm: a hook without delete policy gets before-hook-creation, then Running is recorded as it starts. */
  hookStarted(hook: Hook, at: number): void {
    const json = this.hookJson(hook);
    if (!json) return;
    if (!Array.isArray(json.delete_policies) || json.delete_policies.length === 0)
      json.delete_policies = ['before-hook-creation'];
    json.last_run = lastRun(json.last_run, { started_at: recordTime(at), phase: 'Running' });
    this.started.add(hook.renderIndex);
    this.save();
  }

  /** The outcome is kept in memory; helm stores it with the next write of the release. */
  hookFinished(result: HookResult): void {
    const json = this.hookJson(result.hook);
    if (!json?.last_run || !this.started.has(result.hook.renderIndex)) return;
    json.last_run = {
      ...json.last_run,
      completed_at: recordTime(result.endedAt),
      phase: result.ok ? 'Succeeded' : 'Failed',
    };
  }

  setStatus(status: string, description?: string): void {
    this.record.release.info.status = status;
    if (description !== undefined) this.record.release.info.description = description;
  }

  /** Schedules a write of the current state (coalesced with any write in flight). */
  save(): void {
    this.dirty = true;
    if (this.writing) return;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.store.update(this.record);
        } catch (error) {
          this.failure = error;
        }
      }
      this.writing = undefined;
    })();
  }

  /**
   * Waits for the writes already scheduled, without writing the latest state: what helm leaves when it
   * returns an error without recording the release again (a failed rollback or delete hook stays Running).
   */
  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes the current state and waits until it is stored; throws the last write's error, if any. */
  async flush(): Promise<void> {
    this.save();
    while (this.writing) await this.writing;
    if (this.failure) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
  }
}

/** helm 3 writes zero times as "", helm 4 omits them: keep the record's own format. */
function lastRun(
  previous: RecordHookJson['last_run'],
  next: { started_at: string; phase: string },
): NonNullable<RecordHookJson['last_run']> {
  const v3Format = previous !== undefined && 'started_at' in previous;
  return v3Format
    ? { started_at: next.started_at, completed_at: '', phase: next.phase }
    : { started_at: next.started_at, phase: next.phase };
}
