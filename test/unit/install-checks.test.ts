/** What helm checks before an install renders: the name, the chart's CRDs, where the chart comes from. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isFetchedChart } from '../../src/chart/location.js';
import { nameInUse, splitCrds } from '../../src/commands/install-checks.js';

test('a name is in use unless it has no history, or --replace meets an uninstalled or failed last revision', () => {
  assert.is(nameInUse([], false), false);
  assert.is(nameInUse([{ version: 1, status: 'deployed' }], false), true);
  assert.is(nameInUse([{ version: 1, status: 'failed' }], false), true);
  assert.is(nameInUse([{ version: 1, status: 'failed' }], true), false);
  assert.is(
    nameInUse(
      [
        { version: 1, status: 'deployed' },
        { version: 2, status: 'uninstalled' },
      ],
      true,
    ),
    false,
  );
  assert.is(nameInUse([{ version: 1, status: 'pending-install' }], true), true);
});

test('helm show crds output: documents split at --- and where helm 3 glued two files together', () => {
  const text = [
    '# Source: a.yaml',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata: {name: a.example.com}',
    '# a second file, no separator',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata: {name: b.example.com}',
    '---',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: c.example.com',
    '',
  ].join('\n');
  const names = splitCrds(text).map((d) => (d as { metadata: { name: string } }).metadata.name);
  assert.equal(names, ['a.example.com', 'b.example.com', 'c.example.com']);
  assert.equal(splitCrds(''), []);
});

test('charts helm fetches (fetched once by the plugin) against local ones', () => {
  const none = () => false;
  const all = () => true;
  assert.is(isFetchedChart('hooks', true, none), true, '--repo');
  assert.is(isFetchedChart('oci://registry.local/charts/app', false, none), true);
  assert.is(isFetchedChart('https://charts.local/app-1.0.0.tgz', false, none), true);
  assert.is(isFetchedChart('bitnami/nginx', false, none), true, 'repo/chart of a configured repository');
  assert.is(isFetchedChart('bitnami/nginx', false, all), false, 'a local folder of that name wins, as in helm');
  assert.is(isFetchedChart('./chart', false, none), false);
  assert.is(isFetchedChart('/abs/chart', false, none), false);
  assert.is(isFetchedChart('chart.tgz', false, all), false);
});

test.run();
