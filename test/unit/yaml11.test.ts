/** Hook manifests decode as go-yaml v2 (through sigs.k8s.io/yaml) decodes them, not as YAML 1.2. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml11Documents, resolvePlainScalar } from '../../src/hooks/yaml11.js';

test('octal modes, as charts write them for volumes', () => {
  assert.is(resolvePlainScalar('0644'), 420);
  assert.is(resolvePlainScalar('0444'), 292);
  assert.is(resolvePlainScalar('0755'), 493);
  assert.is(resolvePlainScalar('0o644'), 420);
  assert.is(resolvePlainScalar('0'), 0);
  assert.is(resolvePlainScalar('420'), 420);
});

test('booleans of YAML 1.1, every spelling go-yaml v2 knows', () => {
  for (const t of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'])
    assert.is(resolvePlainScalar(t), true, t);
  for (const f of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'])
    assert.is(resolvePlainScalar(f), false, f);
  for (const s of ['yES', 'oN', 'tRUE', 'enabled']) assert.is(resolvePlainScalar(s), s, s);
});

test('numbers: underscores, signs, hex, binary, floats; what is not a number stays a string', () => {
  assert.is(resolvePlainScalar('1_000'), 1000);
  assert.is(resolvePlainScalar('+5'), 5);
  assert.is(resolvePlainScalar('-0x1F'), -31);
  assert.is(resolvePlainScalar('0b101'), 5);
  assert.is(resolvePlainScalar('08'), 8, 'not octal, so Go reads it as the float 8');
  assert.is(resolvePlainScalar('1e3'), 1000);
  assert.is(resolvePlainScalar('.5'), 0.5);
  assert.is(resolvePlainScalar('12:30'), '12:30', 'no sexagesimal numbers in go-yaml');
  assert.is(resolvePlainScalar('2001-12-14'), '2001-12-14', 'timestamps stay strings in interface{}');
  assert.is(resolvePlainScalar('1.2.3'), '1.2.3');
  assert.is(resolvePlainScalar('~'), null);
  assert.is(resolvePlainScalar(''), null);
});

test('quoted and block scalars are strings; explicit !!str too', () => {
  const [doc] = parseYaml11Documents('a: "0644"\nb: \'yes\'\nc: |\n  on\nd: !!str 0644\ne: 0644\n');
  assert.equal(doc, { a: '0644', b: 'yes', c: 'on\n', d: '0644', e: 420 });
});

test('a hook Deployment with defaultMode 0644 and 0444 decodes to 420 and 292', () => {
  const manifest = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  annotations:',
    '    helm.sh/hook: post-install',
    'spec:',
    '  template:',
    '    spec:',
    '      automountServiceAccountToken: no',
    '      volumes:',
    '        - name: a',
    '          configMap: {name: a, defaultMode: 0644}',
    '        - name: b',
    '          secret:',
    '            secretName: b',
    '            defaultMode: 0444',
  ].join('\n');
  const [obj] = parseYaml11Documents(manifest) as [
    {
      spec: {
        template: {
          spec: {
            automountServiceAccountToken: unknown;
            volumes: { configMap?: { defaultMode: number }; secret?: { defaultMode: number } }[];
          };
        };
      };
    },
  ];
  const spec = obj.spec.template.spec;
  assert.is(spec.automountServiceAccountToken, false);
  assert.is(spec.volumes[0]?.configMap?.defaultMode, 420);
  assert.is(spec.volumes[1]?.secret?.defaultMode, 292);
});

test('keys that resolve to booleans or numbers become strings, as sigs.k8s.io/yaml makes them', () => {
  const [doc] = parseYaml11Documents('on: 1\n5: x\n0x10: z\nn: 2\n');
  assert.equal(doc, { true: 1, '5': 'x', '16': 'z', false: 2 }, 'even the one-letter key n is the boolean false');
});

test('anchors, aliases and merge keys', () => {
  const [doc] = parseYaml11Documents('base: &b {p: 1, q: 2}\nmine:\n  <<: *b\n  q: 3\nref: *b\n');
  assert.equal(doc, { base: { p: 1, q: 2 }, mine: { p: 1, q: 3 }, ref: { p: 1, q: 2 } });
});

test('empty documents are skipped; invalid YAML is an error', () => {
  assert.equal(parseYaml11Documents('---\n---\na: 1\n'), [{ a: 1 }]);
  assert.throws(() => parseYaml11Documents('a: [1, 2\n'));
});

test.run();
