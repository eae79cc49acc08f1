/** Live waiting reasons: read from the watch caches, told only when they change; the terminal's list of running hooks. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hook } from '../../src/hooks/model.js';
import { waitingReason } from '../../src/kube/status.js';
import type { WatchHub } from '../../src/kube/watch-hub.js';
import { SilentReporter } from '../../src/output/reporter.js';
import { runningLines } from '../../src/output/spinner.js';
import { WaitingReasons } from '../../src/run/waiting.js';
import { makeHook } from './hook-factory.js';

const pod = (name: string, status: object, job = 'j', created = '2026-11-26T10:00:00Z'): KubernetesObject =>
  ({
    kind: 'Pod',
    metadata: { name, labels: { 'job-name': job }, creationTimestamp: created },
    status,
  }) as unknown as KubernetesObject;
const job = (status: object, backoffLimit = 2): KubernetesObject =>
  ({ kind: 'Job', metadata: { name: 'j' }, spec: { backoffLimit }, status }) as KubernetesObject;
const unschedulable = {
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes' }],
};

test('Job: Pending with the scheduler reason, the kubelet reason, running, retrying, completing', () => {
  assert.is(waitingReason('Job', job({ active: 1 }), [pod('p', unschedulable)]), 'Pending: Unschedulable');
  assert.is(
    waitingReason('Job', job({ active: 1 }), [
      pod('p', {
        phase: 'Pending',
        containerStatuses: [{ name: 'main', state: { waiting: { reason: 'ImagePullBackOff' } } }],
      }),
    ]),
    'Pending: ImagePullBackOff',
  );
  assert.is(
    waitingReason('Job', job({ active: 1 }), [
      pod('p', {
        phase: 'Pending',
        containerStatuses: [{ name: 'main', state: { waiting: { reason: 'CreateContainerConfigError' } } }],
      }),
    ]),
    'Pending: CreateContainerConfigError',
  );
  assert.is(waitingReason('Job', job({ active: 1, ready: 1 }), [pod('p', { phase: 'Running' })]), 'running');
  assert.is(
    waitingReason('Job', job({ active: 1, failed: 1 }), [
      pod('p1', { phase: 'Failed' }, 'j', '2026-11-26T10:00:00Z'),
      pod('p2', { phase: 'Running' }, 'j', '2026-11-26T10:00:05Z'),
    ]),
    'retrying (1 of 3 tries failed), running',
  );
  assert.is(
    waitingReason('Job', job({ conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] }), []),
    'completing',
  );
  assert.is(waitingReason('Job', job({}), []), 'no pod yet');
  assert.is(waitingReason('Job', job({ active: 1 }), []), 'pod starting');
  assert.is(waitingReason('Job', undefined, []), undefined);
});

test('Pod hook: its own phase and reason', () => {
  assert.is(waitingReason('Pod', pod('p', unschedulable), []), 'Pending: Unschedulable');
  assert.is(waitingReason('Pod', pod('p', { phase: 'Running' }), []), 'running');
});

test('WaitingReasons: the reporter hears a reason only when it changes', () => {
  const h = makeHook('j');
  let jobObj: KubernetesObject | undefined = job({ active: 1 });
  let pods: KubernetesObject[] = [pod('p', unschedulable)];
  const started: string[] = [];
  const hub = {
    peek: () => jobObj,
    cached: () => pods,
    watchSoon: (ns: string, kind: string) => started.push(`${ns}/${kind}`),
  } as unknown as WatchHub;
  const heard: string[] = [];
  const reporter = new (class extends SilentReporter {
    override hookWaiting(hook: Hook, reason: string): void {
      heard.push(`${hook.name}: ${reason}`);
    }
  })();
  const w = new WaitingReasons(hub, reporter);
  w.track(h);
  try {
    w.look();
    w.look();
    pods = [pod('p', { phase: 'Running' })];
    jobObj = job({ active: 1, ready: 1 });
    w.look();
    w.look();
    pods = [pod('other', unschedulable, 'another-job')];
    jobObj = job({ active: 1 });
    w.look();
  } finally {
    w.untrack(h);
  }
  assert.equal(heard, ['j: Pending: Unschedulable', 'j: running', 'j: pod starting']);
  assert.equal(started, ['ns/Pod'], "one Pod watch for the hook's namespace");
});

test('terminal list: longest-running first, elapsed time, at most the lines that fit', () => {
  const now = 100_000;
  const running = new Map<Hook, { since: number; reason: string }>();
  for (let i = 0; i < 16; i++) running.set(makeHook(`h${i}`), { since: now - (i + 1) * 1000, reason: `r${i}` });
  const lines = runningLines(running, now, 6);
  assert.is(lines.length, 6);
  assert.match(lines[0] ?? '', /Job\/h15 \(ns\)\s+16\.0s\s+r15/);
  assert.match(lines[4] ?? '', /Job\/h11 \(ns\)/);
  assert.is(lines[5], '  … and 11 more running');
  assert.equal(runningLines(running, now, 0), []);
  assert.is(runningLines(new Map([...running].slice(0, 2)), now, 6).length, 2);
});

test.run();
