/**
 * Issue 9 item 5: the built server (`pnpm build` first) is drained (SIGUSR1) and then stopped (SIGTERM) while
 * 20 scrapes of a slow app are in flight. Every scrape still gets its complete answer, the listener refuses
 * new connections afterwards, and the process exits 0 inside the 15 s hard-stop bound.
 */
import { parseText } from '@promfetcher/core';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';
import { e2eCanConnect } from './kit/e2e-net.js';
import { assertBuilt, baseConfigLines, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';

const SLOW_MS = 1_500;
const CALLERS = 20;
const EXIT_BOUND_MS = 15_000;

let foundation: Foundation;
const running: RunningServer[] = [];

beforeAll(async () => {
  assertBuilt();
  foundation = await startFoundation({
    apps: [
      { org: 'acme', space: 'prod', name: 'slowpoke', instances: [{ behaviour: 'slow', slowMs: SLOW_MS }] },
    ],
  });
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await foundation.stop();
});

function config(): string {
  const g = foundation.gorouter;
  return [
    ...baseConfigLines(g),
    'broker: {enable: false}',
    'max_scrape_timeout: 5s',
    // Long enough that SIGUSR1 alone does not stop the process during the test: SIGTERM does.
    'drain_delay: 30s',
    'data_dir: $DATA_DIR',
  ].join('\n');
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

describe('shutdown with 20 scrapes in flight (built bin)', () => {
  it('drains (503), then SIGTERM: all 20 complete, new connections refused, exit 0 within 15 s', async () => {
    const server = await startServerProcess(config());
    running.push(server);
    await waitUntil(async () => (await status(server.healthUrl)) === 200, 'health 200');
    const port = Number(new URL(server.url).port);
    const slow = foundation.app('acme', 'prod', 'slowpoke').instances[0]?.server;
    if (slow === undefined) throw new Error('the simulated foundation has no slowpoke instance');
    const before = slow.requests;

    let settled = 0;
    // Distinct forwarded headers: 20 separate fan-outs (identical requests would share one, single-flight).
    const inflight = Array.from({ length: CALLERS }, async (_, caller): Promise<Answer> => {
      try {
        const response = await fetch(`${server.url}/v1/apps/acme/prod/slowpoke/metrics`, {
          headers: { 'x-caller': `caller-${caller}` },
        });
        return { status: response.status, body: await response.text() };
      } finally {
        settled++;
      }
    });
    await waitUntil(async () => slow.requests - before >= CALLERS, 'the slow instance to see all 20 scrapes');

    process.kill(server.pid, 'SIGUSR1');
    await waitUntil(async () => (await status(server.healthUrl)) === 503, 'health 503 after SIGUSR1');
    // The signals must land while the scrapes are still in flight, or this test proves nothing.
    expect(settled).toBe(0);
    const termAt = performance.now();
    process.kill(server.pid, 'SIGTERM');
    // The listener stops accepting at once, while the 20 answers are still being produced.
    await waitUntil(
      async () => !(await e2eCanConnect(port)),
      'the main listener to refuse new connections',
      40,
    );
    expect(settled).toBe(0);
    expect(server.child.exitCode).toBeNull();

    const answers = await Promise.all(inflight);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: CALLERS }, () => 200));
    for (const answer of answers) {
      const parsed = parseText(answer.body);
      if (!parsed.ok) throw new Error(`an answer does not parse: ${parsed.error.message}`);
      const names = new Set(
        parsed.value.families.flatMap((f) =>
          f.samples
            .filter((s) => s.labels.some((l) => l.name === 'app_name' && l.value === 'slowpoke'))
            .map((s) => s.name),
        ),
      );
      expect(names).toContain('http_requests_total');
      expect(answer.body).toMatch(/promfetcher_instance_up\{[^}]*app_name="slowpoke"[^}]*\} 1/);
    }

    const exit = await Promise.race([
      server.exited,
      new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), EXIT_BOUND_MS + 1_000).unref(),
      ),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(performance.now() - termAt).toBeLessThan(EXIT_BOUND_MS);
    expect(await e2eCanConnect(port)).toBe(false);
    const messages = server.logs().map((l) => l['msg']);
    expect(messages.filter((m) => m === 'shutting down')).toHaveLength(1);
  }, 30_000);
});
