import type { Exposition } from './model.js';
import { serialize } from './serialize.js';
import { serializeOpenMetrics } from './serialize-openmetrics.js';
import { serializeText } from './serialize-text.js';

describe('serialize', () => {
  const x: Exposition = {
    families: [{ name: 'c', type: 'counter', samples: [{ name: 'c_total', labels: [], value: 1 }] }],
  };
  it('picks the writer of the format', () => {
    expect(serialize(x, 'text-0.0.4')).toBe(serializeText(x));
    expect(serialize(x, 'openmetrics-1.0.0')).toBe(serializeOpenMetrics(x));
    expect(serialize(x, 'text-0.0.4')).not.toBe(serialize(x, 'openmetrics-1.0.0'));
  });
  it('passes the options on', () => {
    const drops: string[] = [];
    serialize({ families: [{ name: '-', type: 'gauge', samples: [] }] }, 'openmetrics-1.0.0', {
      onDrop: (d) => drops.push(d.reason),
    });
    expect(drops).toEqual(['family-name']);
  });
});
