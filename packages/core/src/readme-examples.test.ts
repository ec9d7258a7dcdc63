import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOpenMetrics, parseText } from './index.js';
import { dropped, merged } from '../examples/pipeline.js';
import { shopMetrics } from '../examples/fetch-app.js';

const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

describe('packages/core/README.md examples', () => {
  it('quotes each example file verbatim', () => {
    const readme = read('../README.md');
    expect(readme).toContain(read('../examples/pipeline.ts'));
    expect(readme).toContain(read('../examples/fetch-app.ts'));
  });

  it('pipeline example merges two instances into a valid OpenMetrics answer', () => {
    expect(dropped).toBe(0);
    const parsed = parseOpenMetrics(merged);
    expect(parsed.ok).toBe(true);
    expect(merged).toContain('app_name="shop",index="0",instance_id="0",instance="10.0.0.1:8080"} 10');
    expect(merged).toContain('index="1",instance_id="1",instance="10.0.0.2:8080"} 7');
    expect(merged.endsWith('# EOF\n')).toBe(true);
  });

  it('fetch example answers the app with CF labels', async () => {
    const body = await shopMetrics();
    expect(parseText(body).ok).toBe(true);
    expect(body).toMatch(
      /up_seconds\{organization_id="7d1f2a3b-0c4d-4e5f-8a9b-1c2d3e4f5a6b",.*app_name="shop",index="0",instance_id="0",instance="10.0.16.21:61012"\} 42/,
    );
  });
});
