/**
 * When a Job or Pod hook is done, and why it failed. The objects are shaped as the API server returns them
 * (batch/v1 Job status of Kubernetes 1.31+, with SuccessCriteriaMet/FailureTarget before Complete/Failed).
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeContainers, jobOutcome, podOutcome } from '../../src/kube/status.js';

const T = '2026-11-25T08:43:00Z';

function job(status: V1Job['status']): V1Job {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'app', uid: 'u1' }, status };
}

function pod(name: string, status: V1Pod['status']): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'app', labels: { 'job-name': 'migrate' } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
    status,
  };
}

const terminated = (name: string, exitCode: number, reason?: string) => ({
  name,
  image: 'busybox:1.36',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, ...(reason ? { reason } : {}) } },
});

test('jobOutcome: Complete=True is done', () => {
  const done = job({
    startTime: new Date(T),
    completionTime: new Date(T),
    succeeded: 1,
    conditions: [
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      },
      {
        type: 'Complete',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      },
    ],
  });
  assert.equal(jobOutcome(done), { ok: true });
});

test('jobOutcome: Failed=True fails with the reason and message', () => {
  const failed = job({
    startTime: new Date(T),
    failed: 1,
    conditions: [
      {
        type: 'FailureTarget',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      },
      {
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      },
    ],
  });
  const out = jobOutcome(failed);
  assert.is(out?.ok, false);
  const reason = out && !out.ok ? out.reason : '';
  assert.match(reason, /BackoffLimitExceeded/);
  assert.match(reason, /Job has reached the specified backoff limit/);
  const deadline = jobOutcome(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] }));
  assert.is(deadline?.ok, false);
  assert.match(deadline && !deadline.ok ? deadline.reason : '', /DeadlineExceeded/);
});

test('jobOutcome: still running (no condition, a False condition, FailureTarget alone, suspended) is not done', () => {
  assert.is(jobOutcome(job(undefined)), undefined);
  assert.is(jobOutcome(job({})), undefined);
  assert.is(jobOutcome(job({ active: 1, startTime: new Date(T), ready: 0 })), undefined);
  assert.is(jobOutcome(job({ conditions: [{ type: 'Complete', status: 'False' }] })), undefined);
  assert.is(jobOutcome(job({ conditions: [{ type: 'Failed', status: 'False' }] })), undefined);
  // The controller still terminates the pods: helm waits for Failed.
  assert.is(
    jobOutcome(job({ conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }] })),
    undefined,
  );
  assert.is(
    jobOutcome(job({ conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended' }] })),
    undefined,
  );
});

test('podOutcome: Succeeded is done, Running/Pending are not', () => {
  assert.equal(podOutcome(pod('p', { phase: 'Succeeded', containerStatuses: [terminated('main', 0, 'Completed')] })), {
    ok: true,
  });
  assert.is(podOutcome(pod('p', { phase: 'Running' })), undefined);
  assert.is(podOutcome(pod('p', { phase: 'Pending' })), undefined);
  assert.is(podOutcome(pod('p', undefined)), undefined);
});

test('podOutcome: Failed names the pod, the container, its exit code and reason', () => {
  const out = podOutcome(pod('hook-pod', { phase: 'Failed', containerStatuses: [terminated('main', 2, 'Error')] }));
  assert.is(out?.ok, false);
  const reason = out && !out.ok ? out.reason : '';
  assert.match(reason, /hook-pod/);
  assert.match(reason, /container main exited 2 \(Error\)/);
});

test('podOutcome: a Failed pod without container statuses says its phase and reason', () => {
  const out = podOutcome(
    pod('evicted', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
  );
  assert.is(out?.ok, false);
  assert.match(out && !out.ok ? out.reason : '', /evicted Failed \(Evicted\)/);
});

test('describeContainers: every non-zero exit and every waiting reason; nothing for success', () => {
  assert.is(describeContainers([]), '');
  assert.is(
    describeContainers([pod('ok', { phase: 'Succeeded', containerStatuses: [terminated('main', 0, 'Completed')] })]),
    '',
  );
  const text = describeContainers([
    pod('migrate-a', {
      phase: 'Failed',
      containerStatuses: [terminated('main', 2, 'Error'), terminated('side', 0, 'Completed')],
    }),
    pod('migrate-b', { phase: 'Failed', containerStatuses: [terminated('main', 137, 'OOMKilled')] }),
  ]);
  assert.match(text, /pod migrate-a container main exited 2 \(Error\)/);
  assert.match(text, /pod migrate-b container main exited 137 \(OOMKilled\)/);
  assert.not.match(text, /side/);
  const pulling = describeContainers([
    pod('migrate-c', {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          image: 'nope:1',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff' } },
        },
      ],
    }),
  ]);
  assert.is(pulling, 'pod migrate-c container main waiting: ImagePullBackOff');
  // without a reason
  assert.is(
    describeContainers([pod('x', { phase: 'Failed', containerStatuses: [terminated('main', 1)] })]),
    'pod x container main exited 1',
  );
});

test.run();
