/**
 * The OpenMetrics parser conformance suite (OpenObservability/OpenMetrics tests/testdata/parsers), read
 * where it lies: `../shared/testdata/openmetrics-parsers` relative to the repository root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExpositionParseError } from '../errors.js';
import { createExpositionParser } from './parse.js';
import { parseOpenMetrics } from './parse-openmetrics.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const casesDir = resolve(repoRoot, '../shared/testdata/openmetrics-parsers');

interface Case {
  readonly name: string;
  readonly input: string;
  readonly shouldParse: boolean;
}

function loadCases(): Case[] {
  const cases: Case[] = [];
  for (const entry of readdirSync(casesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const meta = JSON.parse(readFileSync(join(casesDir, entry.name, 'test.json'), 'utf8')) as {
      file: string;
      shouldParse: boolean;
    };
    const input = new TextDecoder('utf-8').decode(readFileSync(join(casesDir, entry.name, meta.file)));
    cases.push({ name: entry.name, input, shouldParse: meta.shouldParse });
  }
  return cases.sort((a, b) => a.name.localeCompare(b.name));
}

const cases = loadCases();

describe('OpenMetrics conformance suite', () => {
  it('finds all 211 cases', () => {
    expect(cases).toHaveLength(211);
  });

  it.each(cases.filter((c) => c.shouldParse).map((c) => [c.name, c] as const))('accepts %s', (_name, c) => {
    const result = parseOpenMetrics(c.input);
    if (!result.ok) throw new Error(`rejected: ${result.error.message}`);
    expect(result.ok).toBe(true);
  });

  it.each(cases.filter((c) => !c.shouldParse).map((c) => [c.name, c] as const))('rejects %s', (_name, c) => {
    const result = parseOpenMetrics(c.input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ExpositionParseError);
    expect(result.error.line).toBeGreaterThanOrEqual(1);
    expect(result.error.line).toBeLessThanOrEqual(c.input.split('\n').length + 1);
    expect(result.error.reason.length).toBeGreaterThan(5);
  });

  it('streams every case to the same result, split at every position', () => {
    for (const c of cases) {
      const whole = parseOpenMetrics(c.input);
      const positions = c.input.length <= 400 ? c.input.length : 0;
      for (let at = 0; at <= positions; at++) {
        const parser = createExpositionParser('openmetrics-1.0.0');
        parser.push(c.input.slice(0, at));
        parser.push(c.input.slice(at));
        expect(parser.end()).toEqual(whole);
      }
    }
  });
});
