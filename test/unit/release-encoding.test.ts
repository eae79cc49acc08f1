/** helm's storage encoding of a release record, written again and again as hooks run. */
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordJson } from '../../src/hooks/release-json.js';
import { decode, encode } from '../../src/kube/release-store.js';
import { parseExact } from '../../src/util/exact-json.js';

const record = (): RecordJson =>
  parseExact(
    JSON.stringify({
      name: 'rel',
      info: { status: 'pending-upgrade', description: 'Preparing upgrade' },
      chart: { metadata: { name: 'c', version: '1.0.0' }, values: { big: 1 } },
      config: { replicas: 3 },
      manifest: '---\n',
      hooks: [{ name: 'migrate', kind: 'Job', weight: 0, last_run: { started_at: '', phase: '' } }],
      version: 2,
      namespace: 'ns',
    }).replace('"big":1', '"big":9223372036854775807'),
  ) as RecordJson;

test('a record decodes to what was encoded, int64 values included', () => {
  const r = record();
  const back = decode(encode(r));
  assert.is(JSON.stringify(back), JSON.stringify(r));
  assert.ok(
    gunzipSync(Buffer.from(encode(r), 'base64'))
      .toString('utf8')
      .includes('"big":9223372036854775807'),
  );
});

test('each write carries the status and hook runs of that moment', () => {
  const r = record();
  encode(r);
  r.info.status = 'deployed';
  (r.hooks as Array<{ last_run: unknown }>)[0] = {
    ...(r.hooks as Array<Record<string, unknown>>)[0],
    last_run: { started_at: '2026-11-26T00:00:00Z', phase: 'Succeeded' },
  };
  const back = decode(encode(r)) as unknown as {
    info: { status: string };
    hooks: Array<{ last_run: { phase: string } }>;
  };
  assert.is(back.info.status, 'deployed');
  assert.is(back.hooks[0]?.last_run.phase, 'Succeeded');
  assert.is(JSON.stringify(back), JSON.stringify(r));
});

test.run();
