/** Failures that explain themselves: pod reports, the Job condition, Events and the bounded log tail. */
import type { CoreV1Event, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Cluster } from '../../src/kube/cluster.js';
import { jobConditionText, podReport, podStateText } from '../../src/kube/status.js';
import { diagnose, diagnosisLines, LIMITS, tailLines, waitingFor } from '../../src/run/diagnose.js';
import { makeHook } from './hook-factory.js';

const failedPod = {
  metadata: { name: 'm-x7k2p', creationTimestamp: '2026-11-26T10:00:00Z' },
  spec: { containers: [{ name: 'main' }, { name: 'side' }] },
  status: {
    phase: 'Failed',
    containerStatuses: [
      { name: 'main', restartCount: 0, state: { terminated: { exitCode: 3, reason: 'Error' } } },
      {
        name: 'side',
        restartCount: 1,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } },
        lastState: { terminated: { exitCode: 1 } },
      },
    ],
  },
} as unknown as V1Pod;
const pendingPod = {
  metadata: { name: 's-abcde', creationTimestamp: '2026-11-26T10:00:01Z' },
  spec: { containers: [{ name: 'main' }] },
  status: {
    phase: 'Pending',
    containerStatuses: [{ name: 'main', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    conditions: [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' },
    ],
  },
} as unknown as V1Pod;

test('pod report: phase, scheduling reason, containers with exit codes and waiting reasons', () => {
  assert.equal(podReport(failedPod), {
    name: 'm-x7k2p',
    phase: 'Failed',
    containers: [
      { name: 'main', state: 'terminated', exitCode: 3, reason: 'Error', restarts: 0 },
      { name: 'side', state: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 10s', restarts: 1 },
    ],
  });
  assert.is(
    podStateText(podReport(failedPod)),
    'pod m-x7k2p Failed, container main exited 3 (Error), container side waiting: CrashLoopBackOff',
  );
  assert.is(
    podStateText(podReport(pendingPod)),
    'pod s-abcde Pending (Unschedulable: 0/1 nodes are available), container main waiting: ContainerCreating',
  );
});

test('Job condition: the Failed/Complete condition, else the counts', () => {
  const job = (status: object) => ({ kind: 'Job', metadata: { name: 'j' }, status }) as KubernetesObject;
  assert.is(
    jobConditionText(
      job({ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'too long' }] }),
    ),
    'Failed (DeadlineExceeded): too long',
  );
  assert.is(jobConditionText(job({ active: 1 })), '1 active, 0 succeeded, 0 failed');
  assert.is(jobConditionText(undefined), undefined);
});

test('log tail: at most the last lines, long lines cut, empty logs empty', () => {
  const text = `${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\n`;
  const tail = tailLines(text);
  assert.is(tail.length, LIMITS.logLines);
  assert.is(tail[tail.length - 1], 'line 49');
  assert.is(tailLines('x'.repeat(1000))[0]?.length, LIMITS.lineChars + 1);
  assert.equal(tailLines(''), []);
});

test('diagnose: pods, Events of the Job and its pods (newest last, bounded), log tails with bounds asked of the API', async () => {
  const asked: string[] = [];
  const events = (kind: string, name: string): CoreV1Event[] =>
    Array.from({ length: 6 }, (_, i) => ({
      involvedObject: { kind, name },
      type: 'Warning',
      reason: `R${i}`,
      message: `${kind} ${name} event ${i}`,
      count: 1,
      lastTimestamp: new Date(Date.parse('2026-11-26T10:00:00Z') + i * 1000 + (kind === 'Pod' ? 500 : 0)),
      metadata: {},
    })) as unknown as CoreV1Event[];
  const cluster = {
    listPods: async () => [failedPod],
    listEvents: async (_ns: string, kind: string, name: string) => events(kind, name),
    podLog: async (_ns: string, pod: string, container: string, tail?: { lines: number; bytes: number }) => {
      asked.push(`${pod}/${container} ${tail?.lines}/${tail?.bytes}`);
      if (container === 'side') throw new Error('container is waiting to start');
      return 'starting\nboom\n';
    },
  } as unknown as Cluster;
  const hook = makeHook('m');
  const job = {
    kind: 'Job',
    status: { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
  };
  const { diagnosis: d, pods } = await diagnose(hook, job as KubernetesObject, { cluster });
  assert.is(pods?.length, 1, 'the listed pods come back for the explanation and the logs');
  assert.is(d.condition, 'Failed (BackoffLimitExceeded)');
  assert.is(d.pods.length, 1);
  assert.is(d.events.length, LIMITS.events);
  assert.is(d.events[d.events.length - 1]?.object, 'Pod/m-x7k2p', 'newest last');
  assert.equal(asked, ['m-x7k2p/main 20/8192', 'm-x7k2p/side 20/8192']);
  assert.equal(d.logs[0], { pod: 'm-x7k2p', container: 'main', lines: ['starting', 'boom'] });
  assert.match(d.logs[1]?.error ?? '', /waiting to start/);
  const lines = diagnosisLines(hook, d, true);
  assert.ok(lines.includes('  Job condition: Failed (BackoffLimitExceeded)'));
  assert.ok(lines.includes('    | boom'));
  assert.not.ok(
    diagnosisLines(hook, d, false).some((l) => l.includes('| boom')),
    'no log tail when helm printed the logs',
  );
  assert.match(waitingFor(hook, d), /pod m-x7k2p Failed, container main exited 3/);
});

test('diagnose: what cannot be read is left out, never another failure', async () => {
  const cluster = {
    listPods: async () => {
      throw new Error('RBAC: list pods forbidden');
    },
    listEvents: async () => {
      throw new Error('RBAC: list events forbidden');
    },
  } as unknown as Cluster;
  const hook = makeHook('m');
  const { diagnosis: d, pods } = await diagnose(hook, undefined, { cluster });
  assert.equal(d, { pods: [], events: [], logs: [] });
  assert.is(pods, undefined, 'not listed: the log printer may try once more');
  assert.match(waitingFor(hook, d), /no pod created yet/);
});

test('diagnose: a container that never started has no log to ask for', async () => {
  const asked: string[] = [];
  const cluster = {
    listPods: async () => [pendingPod],
    listEvents: async () => [],
    podLog: async (_ns: string, pod: string) => {
      asked.push(pod);
      return '';
    },
  } as unknown as Cluster;
  const { diagnosis: d } = await diagnose(makeHook('s'), undefined, { cluster });
  assert.equal(asked, []);
  assert.equal(d.logs, []);
  assert.match(waitingFor(makeHook('s'), d), /^pod s-abcde Pending \(Unschedulable/);
});

test.run();
