import type { Exposition, Labels } from '../exposition/model.js';
import { cfLabelsFor } from './cf-labels.js';
import { relabel } from './relabel.js';

const L = (o: Record<string, string>): Labels => Object.entries(o).map(([name, value]) => ({ name, value }));
const cf = cfLabelsFor({
  organizationId: 'o1',
  spaceId: 's1',
  appId: 'a1',
  organizationName: 'org',
  spaceName: 'space',
  appName: 'app',
  index: '3',
  instance: '10.0.0.1:8080',
});

describe('relabel', () => {
  const input: Exposition = {
    families: [
      {
        name: 'req',
        type: 'counter',
        help: 'h',
        samples: [
          { name: 'req_total', labels: L({ code: '200', method: 'GET' }), value: 1 },
          {
            name: 'req_total',
            labels: L({ instance: 'app-set', code: '500', app_name: 'spoof', z: 'last' }),
            value: 2,
            timestampMs: 5,
            exemplar: { labels: L({ instance: 'kept' }), value: 1 },
          },
        ],
      },
      { name: 'up', type: 'gauge', samples: [{ name: 'up', labels: [], value: 1 }] },
    ],
  };

  it('appends the CF labels after the app labels, in order', () => {
    const out = relabel(input, cf);
    expect(out.families[0]!.samples[0]!.labels).toEqual([...L({ code: '200', method: 'GET' }), ...cf]);
    expect(out.families[1]!.samples[0]!.labels).toEqual(cf);
  });

  it('removes app labels named like a CF label and keeps the others in order', () => {
    const s = relabel(input, cf).families[0]!.samples[1]!;
    expect(s.labels).toEqual([...L({ code: '500', z: 'last' }), ...cf]);
    expect(s.timestampMs).toBe(5);
    expect(s.exemplar).toEqual({ labels: L({ instance: 'kept' }), value: 1 });
  });

  it('removes only the names it appends', () => {
    const few = cfLabelsFor({
      organizationId: 'o',
      spaceId: 's',
      appId: 'a',
      organizationName: 'on',
      spaceName: 'sn',
      appName: 'an',
    });
    const s = relabel(input, few).families[0]!.samples[1]!;
    expect(s.labels.map((l) => l.name)).toEqual(['instance', 'code', 'z', ...few.map((l) => l.name)]);
  });

  it('shares the CF label objects, keeps metadata, and leaves its input untouched', () => {
    const before = JSON.stringify(input);
    const out = relabel(input, cf);
    expect(out.families[0]!.samples[0]!.labels[2]).toBe(cf[0]);
    expect(out.families[0]).toMatchObject({ name: 'req', type: 'counter', help: 'h' });
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.keys(out.families[1]!.samples[0]!)).toEqual(['name', 'labels', 'value']);
  });

  it('returns the exposition itself for no labels', () => {
    expect(relabel(input, [])).toBe(input);
  });
});
