import { RouteTable } from '../routes/route-table.js';
import { anEndpoint } from './builders.js';
import { InMemoryRouteSource } from './in-memory-route-source.js';
import { ManualClock } from './manual-clock.js';

describe('InMemoryRouteSource', () => {
  it('applies nothing before start or after stop', async () => {
    const clock = new ManualClock(7);
    const table = new RouteTable(clock);
    const source = new InMemoryRouteSource(table, clock, 'fake');
    source.announce('a.example.com', anEndpoint());
    await source.sync();
    expect(table.size).toBe(0);
    expect(source.status()).toEqual({ ready: false, stale: false, detail: 'waiting for the first sync' });
    await source.start();
    await source.sync();
    expect(table.size).toBe(1);
    expect(source.status()).toEqual({
      ready: true,
      stale: false,
      lastUpdateMs: 7,
      detail: 'synced; 1 endpoints',
    });
    await source.stop();
    source.withdraw('a.example.com', anEndpoint());
    await source.sync();
    await source.start();
    expect(table.size).toBe(1);
    expect(source.status()).toMatchObject({ ready: false, detail: 'stopped' });
    expect(source.name).toBe('fake');
  });
});
