/** Checks shared by the unit and e2e report tests: the JSON Schema (ajv) and the JUnit XML (a real XML parser). */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const schema = JSON.parse(readFileSync(new URL('../../docs/hook-report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** The schema's errors for a value, as text ('' when it is valid). */
export function schemaErrors(value: unknown): string {
  return validate(value) ? '' : JSON.stringify(validate.errors, null, 2);
}

export interface JunitCase {
  classname: string;
  name: string;
  time: string;
  failure?: { type: string; message: string; text: string };
  error?: { type: string };
  skipped?: unknown;
}

/** Parses JUnit XML (throws on malformed XML) into its testcases, suite by suite. */
export function junitCases(xml: string): { suites: string[]; cases: JunitCase[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`malformed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: 'text',
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml) as { testsuites: { testsuite?: Array<{ name: string; testcase?: JunitCase[] }> } };
  const suites = doc.testsuites.testsuite ?? [];
  return { suites: suites.map((s) => s.name), cases: suites.flatMap((s) => s.testcase ?? []) };
}

/** The gantt bars of a step summary: label, tag, start and end (epoch ms). */
export function ganttBars(markdown: string): Array<{ label: string; tag: string; start: number; end: number }> {
  const blocks = [...markdown.matchAll(/```mermaid\n(gantt\n[\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.flatMap((b) =>
    [...b.matchAll(/^ {2}(.+?) :(?:(\w+), )?h\d+, (\d+), (\d+)$/gm)].map((m) => ({
      label: m[1] as string,
      tag: m[2] ?? '',
      start: Number(m[3]),
      end: Number(m[4]),
    })),
  );
}
