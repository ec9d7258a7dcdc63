/**
 * Route-table lookups at 100,000 endpoints: 5,000 apps × 20 instances, each app on its own route (plus a
 * path route for every tenth app and a wildcard domain). Also prints register, heartbeat and prune costs. Between lookups a register changes one app
 * (so cached views are rebuilt, the worst case) or refreshes one (a heartbeat). Prints the median µs per
 * lookup for findByName, findByAppGuid and findByRoute (exact, path prefix, wildcard fallback).
 *
 *   pnpm exec tsx packages/core/bench/lookup.bench.ts [--runs 20000]
 */
import { performance } from 'node:perf_hooks';
import type { Endpoint } from '../src/routes/endpoint.js';
import { RouteTable } from '../src/routes/route-table.js';

const APPS = 5_000;
const INSTANCES = 20;
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 20_000;

let nowMs = 0;
const clock = { now: (): number => nowMs };
const table = new RouteTable(clock);

function endpoint(app: number, index: number, generation = 0): Endpoint {
  const appId = `00000000-0000-4000-8000-${app.toString(16).padStart(12, '0')}`;
  return {
    address: `10.${(app >> 8) & 255}.${app & 255}.${index + 1}:${61000 + generation}`,
    tls: index % 2 === 0,
    ttlSeconds: 120,
    tags: {
      app_id: appId,
      app_name: `app-${app}`,
      organization_id: 'org-guid',
      organization_name: `org-${app % 50}`,
      space_id: 'space-guid',
      space_name: 'prod',
      process_type: 'web',
      instance_id: String(index),
    },
  };
}

const messages: [string, Endpoint][] = [];
for (let app = 0; app < APPS; app++) {
  const uri = app % 10 === 0 ? `app-${app}.apps.example.com/api` : `app-${app}.apps.example.com`;
  for (let i = 0; i < INSTANCES; i++) messages.push([uri, endpoint(app, i)]);
}
const t0 = performance.now();
for (const [uri, e] of messages) table.register(uri, e);
table.register('*.wild.example.com', endpoint(APPS, 0));
const loadMs = performance.now() - t0;
let heartbeatMs = 0;
for (let pass = 0; pass < 3; pass++) {
  // The last of three passes: the first ones include JIT warm-up.
  const t1 = performance.now();
  for (const [uri, e] of messages) table.register(uri, { ...e });
  heartbeatMs = performance.now() - t1;
}
const t2 = performance.now();
const pruned = table.prune();
const pruneMs = performance.now() - t2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

let sink = 0;
function bench(name: string, lookup: (app: number) => number, churn: 'change' | 'heartbeat' | 'none'): void {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const app = (r * 7919) % APPS;
    if (churn !== 'none') {
      nowMs++;
      const uri = app % 10 === 0 ? `app-${app}.apps.example.com/api` : `app-${app}.apps.example.com`;
      table.register(uri, {
        ...endpoint(app, r % INSTANCES),
        tls: churn === 'change' ? r % 3 === 0 : (r % INSTANCES) % 2 === 0,
      });
    }
    const start = performance.now();
    sink += lookup(app);
    times.push((performance.now() - start) * 1000);
  }
  console.log(`${name.padEnd(44)} median ${median(times).toFixed(2)} µs`);
}

console.log(
  `table: ${table.size} endpoints; register ${((loadMs * 1000) / table.size).toFixed(2)} µs/op, ` +
    `heartbeat (unchanged re-register) ${((heartbeatMs * 1000) / table.size).toFixed(2)} µs/op, ` +
    `prune pass ${pruneMs.toFixed(1)} ms (${pruned} removed); ${RUNS} lookups per line`,
);
for (const churn of ['none', 'heartbeat', 'change'] as const) {
  console.log(
    `-- between lookups: ${churn === 'none' ? 'no write' : churn === 'heartbeat' ? 'a heartbeat of that app' : 'a change to that app'}`,
  );
  bench('findByName', (a) => table.findByName(`org-${a % 50}`, 'prod', `app-${a}`).length, churn);
  bench(
    'findByAppGuid',
    (a) => table.findByAppGuid(`00000000-0000-4000-8000-${a.toString(16).padStart(12, '0')}`).length,
    churn,
  );
  bench(
    'findByRoute (exact / path prefix)',
    (a) => table.findByRoute(`app-${a}.apps.example.com/api/v1`).length,
    churn,
  );
  bench(
    'findByRoute (wildcard fallback)',
    () => table.findByRoute('x.wild.example.com/metrics').length,
    churn,
  );
}
if (sink === 0) console.log('no result');
