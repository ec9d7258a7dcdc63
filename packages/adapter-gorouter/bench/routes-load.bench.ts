/**
 * Loads a 100,000-endpoint gorouter `/routes` body through GorouterRoutesPoller and reports: body size, load
 * time, CPU time (all threads, garbage collector's included), the event loop's longest stall during the load
 * (perf_hooks.monitorEventLoopDelay, 1 ms resolution), the garbage collector's pauses, peak RSS and lookups on
 * the live table while the load is under way. Target: no stall above 50 ms. Round 1 is a first load (every
 * endpoint new); later rounds poll the same table again (unchanged endpoints are reused, not re-created).
 * For the garbage collector's own account, run it with node directly:
 *   TSX_TSCONFIG_PATH=tsconfig.typecheck.json node --trace-gc --import tsx packages/adapter-gorouter/bench/routes-load.bench.ts
 * The body is built and served by a child process (serve-routes-body.ts) so only the poller's work is measured.
 * Run from the repository root:
 *   pnpm exec tsx --tsconfig tsconfig.typecheck.json packages/adapter-gorouter/bench/routes-load.bench.ts
 * Environment: ENDPOINTS (default 100000), ROUNDS (default 3).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Clock } from '@promfetcher/core';
import { manualPoller } from '../test/kit/manual-poller.js';
import { PER_ROUTE, guid } from './routes-body.js';

const ENDPOINTS = Number(process.env['ENDPOINTS'] ?? 100_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const STALL_TARGET_MS = 50;
const LOOKUP_EVERY_MS = 2;

const clock: Clock = { now: () => Date.now() };

async function startServer(): Promise<{ port: number; bytes: number; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./serve-routes-body.ts', import.meta.url)), [String(ENDPOINTS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; bytes: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number; bytes: number }));
    child.once('exit', (code) => reject(new Error(`body server exited with ${code}`)));
  });
  return { ...ready, stop: () => child.disconnect() };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const server = await startServer();
  console.log(
    `body: ${ENDPOINTS} endpoints, ${(server.bytes / 1_048_576).toFixed(1)} MB ` +
      `(built and served by a child process, ready in ${(performance.now() - t0).toFixed(0)} ms); ` +
      `node ${process.version}, load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const { poller, table } = manualPoller(
    { host: '127.0.0.1', port: server.port, user: 'u', pass: 'p' },
    120_000,
    clock,
  );

  let worst = 0;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const lookupTimes: number[] = [];
      let found = 0;
      const lookups = setInterval(() => {
        const app = Math.floor(Math.random() * (ENDPOINTS / PER_ROUTE));
        const start = performance.now();
        found +=
          table.findByAppGuid(guid(app, 1)).length + table.findByRoute(`app-${app}.apps.example.com`).length;
        lookupTimes.push(performance.now() - start);
      }, LOOKUP_EVERY_MS);
      let gcMaxMs = 0;
      let gcTotalMs = 0;
      let gcCount = 0;
      const gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gcMaxMs = Math.max(gcMaxMs, entry.duration);
          gcTotalMs += entry.duration;
          gcCount++;
        }
      });
      gcObserver.observe({ entryTypes: ['gc'] });
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      const start = performance.now();
      const cpuBefore = process.cpuUsage();
      await poller.pollNow();
      const loadMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuBefore);
      histogram.disable();
      clearInterval(lookups);
      await new Promise((resolve) => setImmediate(resolve));
      gcObserver.disconnect();
      const maxDelayMs = histogram.max / 1e6;
      worst = Math.max(worst, maxDelayMs);
      lookupTimes.sort((a, b) => a - b);
      const p50 = lookupTimes[Math.floor(lookupTimes.length / 2)] ?? 0;
      const p99 = lookupTimes[Math.floor(lookupTimes.length * 0.99)] ?? 0;
      console.log(
        `round ${round}: loaded ${table.size} endpoints in ${loadMs.toFixed(0)} ms ` +
          `(CPU ${((cpu.user + cpu.system) / 1_000).toFixed(0)} ms); ` +
          `event-loop delay max ${maxDelayMs.toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, ` +
          `mean ${(histogram.mean / 1e6).toFixed(1)} ms; ${gcCount} GC pauses, max ${gcMaxMs.toFixed(1)} ms, ` +
          `total ${gcTotalMs.toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1_024).toFixed(0)} MB; ` +
          `${lookupTimes.length} lookup pairs (by app GUID + by route) during the load on the live table ` +
          `(${round === 1 ? 'still empty' : `${found} endpoints found`}): p50 ${(p50 * 1_000).toFixed(1)} µs, ` +
          `p99 ${(p99 * 1_000).toFixed(1)} µs`,
      );
    }
  } finally {
    await poller.stop();
    server.stop();
  }
  console.log(
    `worst event-loop stall: ${worst.toFixed(1)} ms — ${worst < STALL_TARGET_MS ? 'within' : 'ABOVE'} the ` +
      `${STALL_TARGET_MS} ms target (load average now ${loadavg()[0]?.toFixed(2)})`,
  );
  process.exitCode = worst < STALL_TARGET_MS ? 0 : 1;
}

await main();
