import { RouteTable } from '../routes/route-table.js';
import { routeSourceContract } from './contracts/route-source.contract.js';
import { InMemoryRouteSource } from './in-memory-route-source.js';
import { ManualClock } from './manual-clock.js';

routeSourceContract('InMemoryRouteSource', () => {
  const clock = new ManualClock(1_000_000);
  const table = new RouteTable(clock);
  const source = new InMemoryRouteSource(table, clock);
  return Promise.resolve({
    source,
    table,
    announce: (uri, endpoint) => {
      source.announce(uri, endpoint);
      return Promise.resolve();
    },
    withdraw: (uri, endpoint) => {
      source.withdraw(uri, endpoint);
      return Promise.resolve();
    },
    sync: () => source.sync(),
    close: () => source.stop(),
  });
});
