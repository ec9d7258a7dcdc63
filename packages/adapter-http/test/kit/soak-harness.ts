/**
 * The soak test's server process (forked by soak-server.ts with `--expose-gc --import tsx`): it installs a
 * counter of live timers, answers `measure` messages over IPC, then loads the built bin
 * (`dist/main/bin.js`) exactly as `promfetcher --config FILE` runs, with this process's argv. Nothing is
 * added to the product: the bin composes the real server, logs to stdout and exits through its own shutdown.
 */
import { createHook } from 'node:async_hooks';
import { readdirSync, readlinkSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BIN } from './main-process.js';
import type { SoakMeasureRequest, SoakMeasurement } from './soak-server.js';

// Every timer created by anyone (the server, got, koa, node's own sockets), refed or not, until it is
// cleared or has fired for the last time. `process.getActiveResourcesInfo()` lists only refed timers.
const liveTimers = new Set<number>();
createHook({
  init(asyncId, type) {
    if (type === 'Timeout') liveTimers.add(asyncId);
  },
  destroy(asyncId) {
    liveTimers.delete(asyncId);
  },
}).enable();

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function fileDescriptors(): { readonly fds: number; readonly sockets: number } {
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    fds++;
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // the directory's own descriptor, closed by now
    }
  }
  return { fds, sockets };
}

async function measure(request: SoakMeasureRequest): Promise<SoakMeasurement> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (request.gc && gc !== undefined) {
    // Two full collections with a turn of the event loop between them (finalizers, weak callbacks).
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const memory = process.memoryUsage();
  return {
    kind: 'measurement',
    id: request.id,
    gcExposed: gc !== undefined,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    resources: countBy(process.getActiveResourcesInfo()),
    liveTimers: liveTimers.size,
    ...fileDescriptors(),
  };
}

process.on('message', (message: SoakMeasureRequest) => {
  if (message.kind !== 'measure') return;
  void measure(message).then((answer) => process.send?.(answer));
});
// The parent went away without stopping us: do not outlive it.
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));

await import(pathToFileURL(BIN).href);
