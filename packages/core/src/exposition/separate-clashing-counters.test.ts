import type { Exposition, MetricFamily, Sample } from './model.js';
import { separateClashingCounters } from './separate-clashing-counters.js';
import { serializeOpenMetrics } from './serialize-openmetrics.js';
import { serializeText } from './serialize-text.js';

const s = (name: string, value: number): Sample => ({ name, labels: [], value });
const ex = (...families: MetricFamily[]): Exposition => ({ families });
const gauge: MetricFamily = {
  name: 'go_alloc_bytes',
  type: 'gauge',
  help: 'g',
  samples: [s('go_alloc_bytes', 5)],
};
const counter: MetricFamily = {
  name: 'go_alloc_bytes',
  type: 'counter',
  help: 'c',
  unit: 'bytes',
  samples: [s('go_alloc_bytes_total', 9)],
};

describe('separateClashingCounters', () => {
  it('gives a counter beside a gauge of its name its unsuffixed form, in either order', () => {
    const separated: MetricFamily = {
      name: 'go_alloc_bytes_total',
      type: 'counter',
      help: 'c',
      samples: counter.samples,
    };
    expect(separateClashingCounters(ex(gauge, counter))).toEqual(ex(gauge, separated));
    expect(separateClashingCounters(ex(counter, gauge))).toEqual(ex(separated, gauge));
  });

  it('moves _created samples to a gauge family', () => {
    const c: MetricFamily = { name: 'x', type: 'counter', samples: [s('x_total', 1), s('x_created', 2)] };
    expect(
      separateClashingCounters(ex({ name: 'x', type: 'gauge', samples: [] }, c)).families.slice(1),
    ).toEqual([
      { name: 'x_total', type: 'counter', samples: [s('x_total', 1)] },
      { name: 'x_created', type: 'gauge', samples: [s('x_created', 2)] },
    ]);
  });

  it('separates a counter beside a gauge x_created when the counter has no _created samples', () => {
    const c: MetricFamily = { name: 'x', type: 'counter', samples: [s('x_total', 1)] };
    const g: MetricFamily = { name: 'x_created', type: 'gauge', samples: [s('x_created', 1)] };
    expect(separateClashingCounters(ex(c, g)).families.map((f) => f.name)).toEqual(['x_total', 'x_created']);
    const withCreated: MetricFamily = { ...c, samples: [s('x_total', 1), s('x_created', 3)] };
    expect(separateClashingCounters(ex(withCreated, g)).families[0]).toBe(withCreated);
  });

  it('leaves everything else as it is', () => {
    const plain = ex(gauge, { name: 'other', type: 'counter', samples: [s('other_total', 1)] });
    expect(separateClashingCounters(plain)).toBe(plain);
    const taken = ex(gauge, counter, { name: 'go_alloc_bytes_total', type: 'gauge', samples: [] });
    expect(separateClashingCounters(taken)).toBe(taken);
    const odd = ex(gauge, { ...counter, samples: [s('go_alloc_bytes', 1)] });
    expect(separateClashingCounters(odd)).toBe(odd);
  });

  it('lets both serializers keep both series', () => {
    expect(serializeText(ex(gauge, counter))).toBe(
      '# HELP go_alloc_bytes g\n# TYPE go_alloc_bytes gauge\ngo_alloc_bytes 5\n' +
        '# HELP go_alloc_bytes_total c\n# TYPE go_alloc_bytes_total counter\ngo_alloc_bytes_total 9\n',
    );
    expect(serializeOpenMetrics(ex(gauge, counter))).toBe(
      '# HELP go_alloc_bytes g\n# TYPE go_alloc_bytes gauge\ngo_alloc_bytes 5\n' +
        '# HELP go_alloc_bytes_total c\n# TYPE go_alloc_bytes_total unknown\ngo_alloc_bytes_total 9\n# EOF\n',
    );
  });
});
