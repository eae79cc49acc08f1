/**
 * hooksFromRelease against helm's own recorded output (test/fixtures/helm/<v>/), for the chart
 * test/fixtures/charts/hooks with values test/fixtures/charts/hooks-values-mixed.yaml:
 *
 *   sa-runner  ServiceAccount  "pre-install,pre-upgrade"   weight "0"
 *   a-job      Job             "pre-install"               weight "0"
 *   z-cm       ConfigMap       "pre-install"               weight "0"
 *   neg        Job             "pre-install, Post-Install" weight "-3"  delete hook-succeeded
 *   bad-weight Pod             "post-install"              weight "abc" output-log hook-succeeded
 *   unknown-ev ConfigMap       "pre-install,nonsense"      (an unknown event: helm drops the document)
 *   t          Pod             "test"
 *   sec        Secret          "pre-install"               weight "5"   delete "hook-succeeded,hook-failed"
 *
 * All of them come from one template file, so helm's render order is its stable kind sort (docs/HELM-SEMANTICS.md
 * section 2) of the file order: ServiceAccount, Secret, ConfigMap, Pod (bad-weight, t), Job (a-job, neg).
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { type Hook, SERIAL_ANNOTATION } from '../../src/hooks/model.js';
import { hooksFromRelease } from '../../src/hooks/parse.js';
import type { ReleaseJson } from '../../src/hooks/release-json.js';

const VERSIONS = ['3.18.0', '4.1.4'] as const;
const FILES = ['render-install.json', 'render-upgrade.json', 'status.json'] as const;

function release(version: string, file: string): ReleaseJson {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/helm/${version}/${file}`, import.meta.url), 'utf8'),
  ) as ReleaseJson;
}

const byName = (hooks: Hook[]) => new Map(hooks.map((h) => [h.name, h]));

/** What the chart and values above must give, by docs/HELM-SEMANTICS.md §1. */
const EXPECTED = [
  {
    name: 'sa-runner',
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    events: ['pre-install', 'pre-upgrade'],
    weight: 0n,
    deletePolicies: [],
    outputLogPolicies: [],
  },
  {
    name: 'sec',
    kind: 'Secret',
    apiVersion: 'v1',
    events: ['pre-install'],
    weight: 5n,
    deletePolicies: ['hook-succeeded', 'hook-failed'],
    outputLogPolicies: [],
  },
  {
    name: 'z-cm',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    events: ['pre-install'],
    weight: 0n,
    deletePolicies: [],
    outputLogPolicies: [],
  },
  {
    name: 'bad-weight',
    kind: 'Pod',
    apiVersion: 'v1',
    events: ['post-install'],
    weight: 0n,
    deletePolicies: [],
    outputLogPolicies: ['hook-succeeded'],
  },
  { name: 't', kind: 'Pod', apiVersion: 'v1', events: ['test'], weight: 0n, deletePolicies: [], outputLogPolicies: [] },
  {
    name: 'a-job',
    kind: 'Job',
    apiVersion: 'batch/v1',
    events: ['pre-install'],
    weight: 0n,
    deletePolicies: [],
    outputLogPolicies: [],
  },
  {
    name: 'neg',
    kind: 'Job',
    apiVersion: 'batch/v1',
    events: ['pre-install', 'post-install'],
    weight: -3n,
    deletePolicies: ['hook-succeeded'],
    outputLogPolicies: [],
  },
];

for (const version of VERSIONS) {
  for (const file of FILES) {
    test(`helm ${version} ${file}: every hook, in render order, with helm's parse of its annotations`, () => {
      const rel = release(version, file);
      const hooks = hooksFromRelease(rel);
      assert.equal(
        hooks.map((h) => ({
          name: h.name,
          kind: h.kind,
          apiVersion: h.apiVersion,
          events: h.events,
          weight: h.weight,
          deletePolicies: h.deletePolicies,
          outputLogPolicies: h.outputLogPolicies,
        })),
        EXPECTED,
      );
      assert.equal(
        hooks.map((h) => h.renderIndex),
        [0, 1, 2, 3, 4, 5, 6],
        "renderIndex is the position in helm's list",
      );
      for (const h of hooks) {
        // No hook of this chart sets metadata.namespace: each gets the release namespace.
        assert.is(h.namespace, rel.namespace, `${h.name} namespace`);
        assert.ok(rel.namespace.startsWith('smoke-'), 'the recorded release has its own namespace');
        assert.is(h.path, 'hooks/templates/hooks.yaml');
        assert.is(h.serial, false, `${h.name} has no serial annotation`);
        assert.is(h.object.metadata.name, h.name);
        assert.is(h.object.kind, h.kind);
      }
    });
  }
}

test('weights: "abc" is 0, "-3" is -3, "5" is 5 (helm omits weight 0 from its JSON)', () => {
  for (const version of VERSIONS) {
    const hooks = byName(hooksFromRelease(release(version, 'render-install.json')));
    assert.is(hooks.get('bad-weight')?.weight, 0n);
    assert.is(hooks.get('neg')?.weight, -3n);
    assert.is(hooks.get('sec')?.weight, 5n);
    // The manifest itself still says "abc": the weight comes from helm's parse, not from the annotation.
    assert.is(hooks.get('bad-weight')?.object.metadata.annotations?.['helm.sh/hook-weight'], 'abc');
  }
});

test('a hook with several events is one hook ("pre-install, Post-Install" is trimmed and lower-cased)', () => {
  for (const version of VERSIONS) {
    const hooks = hooksFromRelease(release(version, 'render-install.json'));
    const neg = hooks.filter((h) => h.name === 'neg');
    assert.is(neg.length, 1);
    assert.equal(neg[0]?.events, ['pre-install', 'post-install']);
    assert.is(neg[0]?.object.metadata.annotations?.['helm.sh/hook'], 'pre-install, Post-Install');
  }
});

test('the document with an unknown event is no hook at all; the test hook has only the test event', () => {
  for (const version of VERSIONS) {
    for (const file of FILES) {
      const hooks = byName(hooksFromRelease(release(version, file)));
      assert.not.ok(hooks.has('unknown-ev'), `${version} ${file}`);
      assert.equal(hooks.get('t')?.events, ['test']);
    }
  }
});

test('delete and output-log policies are raw: no default before-hook-creation added', () => {
  for (const version of VERSIONS) {
    for (const file of FILES) {
      const hooks = byName(hooksFromRelease(release(version, file)));
      assert.equal(hooks.get('a-job')?.deletePolicies, []);
      assert.equal(hooks.get('a-job')?.outputLogPolicies, []);
      assert.equal(hooks.get('sec')?.deletePolicies, ['hook-succeeded', 'hook-failed']);
      assert.equal(hooks.get('bad-weight')?.outputLogPolicies, ['hook-succeeded']);
    }
  }
});

test('both helm versions, and a dry run and the stored release, give the same hooks', () => {
  const strip = (hooks: Hook[]) => hooks.map(({ namespace: _ns, ...rest }) => rest);
  const reference = strip(hooksFromRelease(release('3.18.0', 'render-install.json')));
  for (const version of VERSIONS) {
    for (const file of FILES)
      assert.equal(strip(hooksFromRelease(release(version, file))), reference, `${version} ${file}`);
  }
});

test("the parsed object is the manifest (what gets created), not helm's JSON", () => {
  const hooks = byName(hooksFromRelease(release('4.1.4', 'render-install.json')));
  const sec = hooks.get('sec');
  assert.equal(sec?.object.stringData, { password: 'do-not-print-me' });
  const job = hooks.get('a-job')?.object as { spec?: { template?: { spec?: { serviceAccountName?: string } } } };
  assert.is(job.spec?.template?.spec?.serviceAccountName, 'sa-runner');
});

/** A copy of a recorded release with one hook's manifest changed. */
function withManifest(version: string, name: string, edit: (manifest: string) => string): ReleaseJson {
  const rel = release(version, 'render-install.json');
  const hook = rel.hooks?.find((h) => h.name === name);
  if (!hook) throw new Error(`no hook ${name}`);
  hook.manifest = edit(hook.manifest);
  return rel;
}

const addAnnotation = (line: string) => (m: string) => m.replace('  annotations:\n', `  annotations:\n    ${line}\n`);

test('the serial annotation is read from the manifest', () => {
  for (const version of VERSIONS) {
    for (const value of ['"true"', '"True"', '" yes "', '"1"', '"on"']) {
      const rel = withManifest(version, 'a-job', addAnnotation(`"${SERIAL_ANNOTATION}": ${value}`));
      const hooks = byName(hooksFromRelease(rel));
      assert.is(hooks.get('a-job')?.serial, true, `${version} ${value}`);
      // only that hook
      assert.equal(
        [...hooks.values()].filter((h) => h.serial).map((h) => h.name),
        ['a-job'],
      );
    }
    for (const value of ['"false"', '""', '"no"', '"0"']) {
      const rel = withManifest(version, 'a-job', addAnnotation(`"${SERIAL_ANNOTATION}": ${value}`));
      assert.is(byName(hooksFromRelease(rel)).get('a-job')?.serial, false, `${version} ${value}`);
    }
  }
});

test('a namespace in the manifest wins over the release namespace', () => {
  const rel = withManifest('3.18.0', 'neg', (m) => m.replace('  name: neg\n', '  name: neg\n  namespace: elsewhere\n'));
  const hooks = byName(hooksFromRelease(rel));
  assert.is(hooks.get('neg')?.namespace, 'elsewhere');
  assert.is(hooks.get('a-job')?.namespace, rel.namespace);
});

test("apiVersion comes from the manifest (helm's JSON has none)", () => {
  const rel = withManifest('4.1.4', 'a-job', (m) => m.replace('apiVersion: batch/v1', 'apiVersion: batch/v2alpha9'));
  assert.is(byName(hooksFromRelease(rel)).get('a-job')?.apiVersion, 'batch/v2alpha9');
});

test('a release without hooks gives none', () => {
  const rel = release('3.18.0', 'status.json');
  delete rel.hooks;
  assert.equal(hooksFromRelease(rel), []);
});

test('a manifest that is not exactly one object is an error naming the template', () => {
  const twoDocs = withManifest(
    '3.18.0',
    'z-cm',
    (m) => `${m}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n`,
  );
  assert.throws(
    () => hooksFromRelease(twoDocs),
    (e: Error) => e instanceof PluginError && e.message.includes('hooks/templates/hooks.yaml'),
  );
  const noName = withManifest('3.18.0', 'z-cm', (m) => m.replace('  name: z-cm\n', ''));
  assert.throws(
    () => hooksFromRelease(noName),
    (e: Error) => e instanceof PluginError && e.message.includes('hooks/templates/hooks.yaml'),
  );
  const broken = withManifest('3.18.0', 'z-cm', () => 'apiVersion: v1\nkind: [unclosed\n');
  assert.throws(
    () => hooksFromRelease(broken),
    (e: Error) => e instanceof PluginError,
  );
});

test.run();
