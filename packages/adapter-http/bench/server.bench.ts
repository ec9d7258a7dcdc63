/**
 * End-to-end benchmark of the built server (issue 8): for each scenario a simulated foundation (own process)
 * and `dist/main/bin.js` (own process, generated YAML config, gorouter source) are started on 127.0.0.1, then
 *
 * - N sequential requests to `/v1/apps/bench/bench/app-0/metrics`, each preceded by one **floor** sample
 *   (every instance body fetched concurrently with keep-alive and concatenated, no parsing) — the floor is
 *   measured in the same run, interleaved, so machine noise hits both alike;
 * - 8 closed-loop clients for a bounded count and duration: throughput and p99;
 * - the server's peak RSS (VmHWM from /proc/<pid>/status, over the whole scenario).
 *
 * Requests carry Prometheus' Accept header and no Accept-Encoding (the merge is measured, not gzip of the
 * answer). Prints one markdown table and the targets with PASS/FAIL; exit code 1 when a target fails.
 *
 *   pnpm build && pnpm exec tsx packages/adapter-http/bench/server.bench.ts [--scenario S1[,S2…]] [--quick]
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchmarkScenario } from '../src/simulator/index.js';
import type { FoundationReady } from './foundation-process.js';
import { closedLoop, fetchFloor, get, keepAliveAgent, percentile } from './http-load.js';
import { startBenchServer } from './server-process.js';

const SLOW_MS = 1_000;
const CLIENTS = 8;
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';
const REQUEST_TIMEOUT_MS = 30_000;

const SCENARIOS: Readonly<Record<string, { readonly title: string; readonly spec: BenchmarkScenario }>> = {
  S1: { title: '1 app × 20 inst × 2000 series', spec: { apps: 1, instances: 20, series: 2_000 } },
  S2: { title: '1 × 100 × 200', spec: { apps: 1, instances: 100, series: 200 } },
  S3: { title: '1 × 5 × 20000', spec: { apps: 1, instances: 5, series: 20_000 } },
  S4: { title: 'S1, gzip bodies', spec: { apps: 1, instances: 20, series: 2_000, gzip: true } },
  S5: {
    title: `S1, 1 inst ${SLOW_MS / 1000} s slow, 2 failing`,
    spec: {
      apps: 1,
      instances: 20,
      series: 2_000,
      slowInstances: 1,
      slowMs: SLOW_MS,
      failingInstances: 2,
    },
  },
};

interface Row {
  readonly id: string;
  readonly title: string;
  readonly bodiesMb: number;
  readonly answerMb: number;
  readonly floorMedianMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly loadRps: number;
  readonly loadP99Ms: number;
  readonly loadErrors: number;
  readonly loadErrorKinds: Readonly<Record<string, number>>;
  readonly loadRequests: number;
  readonly peakRssMb: number;
}

interface Settings {
  readonly sequential: number;
  readonly warmup: number;
  readonly loadMaxRequests: number;
  readonly loadMaxMs: number;
}

function parseArgs(argv: readonly string[]): { ids: string[]; settings: Settings } {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--scenario');
  const ids =
    at >= 0
      ? (argv[at + 1] ?? '')
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter((s) => s !== '')
      : Object.keys(SCENARIOS);
  for (const id of ids) if (SCENARIOS[id] === undefined) throw new Error(`unknown scenario ${id}`);
  const settings: Settings = quick
    ? { sequential: 8, warmup: 2, loadMaxRequests: 80, loadMaxMs: 4_000 }
    : { sequential: 30, warmup: 5, loadMaxRequests: 400, loadMaxMs: 12_000 };
  return { ids, settings };
}

async function startFoundationProcess(
  spec: BenchmarkScenario,
): Promise<{ ready: FoundationReady; stop: () => Promise<void> }> {
  const child = fork(
    fileURLToPath(new URL('./foundation-process.ts', import.meta.url)),
    [JSON.stringify(spec)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<FoundationReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the foundation did not start within 60 s')), 60_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as FoundationReady);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the foundation process exited (${child.exitCode})`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { ready, stop };
}

async function runScenario(id: string, settings: Settings): Promise<Row> {
  const scenario = SCENARIOS[id]!;
  const foundation = await startFoundationProcess(scenario.spec);
  try {
    const server = await startBenchServer({
      gorouter: foundation.ready.gorouter,
      maxScrapeTimeout: '10s',
      readyTimeoutMs: 30_000,
    });
    try {
      const { org, space, name } = foundation.ready.app;
      const url = `${server.url}/v1/apps/${org}/${space}/${name}/metrics`;
      const headers = { accept: PROMETHEUS_ACCEPT };
      const clientAgent = keepAliveAgent(1);
      const floorAgent = keepAliveAgent(4);
      const floorOptions = { gzip: scenario.spec.gzip === true, timeoutMs: REQUEST_TIMEOUT_MS };
      const instances = foundation.ready.instances;
      let answerBytes = 0;
      let bodiesBytes = 0;
      for (let i = 0; i < settings.warmup; i++) {
        bodiesBytes = (await fetchFloor(instances, floorAgent, floorOptions)).bytes;
        const warm = await get(url, clientAgent, headers, REQUEST_TIMEOUT_MS);
        if (warm.status !== 200) throw new Error(`${id}: ${url} answered ${warm.status}`);
        answerBytes = warm.body.length;
      }
      const floor: number[] = [];
      const sequential: number[] = [];
      for (let i = 0; i < settings.sequential; i++) {
        floor.push((await fetchFloor(instances, floorAgent, floorOptions)).ms);
        const answer = await get(url, clientAgent, headers, REQUEST_TIMEOUT_MS);
        if (answer.status !== 200) throw new Error(`${id}: ${url} answered ${answer.status}`);
        sequential.push(answer.ms);
      }
      clientAgent.destroy();
      floorAgent.destroy();
      const load = await closedLoop({
        url,
        headers,
        clients: CLIENTS,
        maxRequests: settings.loadMaxRequests,
        maxMs: settings.loadMaxMs,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const row: Row = {
        id,
        title: scenario.title,
        bodiesMb: bodiesBytes / 1_048_576,
        answerMb: answerBytes / 1_048_576,
        floorMedianMs: percentile(floor, 50),
        medianMs: percentile(sequential, 50),
        p99Ms: percentile(sequential, 99),
        loadRps: (load.requests * 1000) / load.elapsedMs,
        loadP99Ms: percentile(load.latenciesMs, 99),
        loadErrors: load.errors,
        loadErrorKinds: load.errorKinds,
        loadRequests: load.requests,
        peakRssMb: server.peakRssMb(),
      };
      process.stderr.write(`  ${id} done (load average ${loadavg()[0]?.toFixed(2)})\n`);
      return row;
    } finally {
      await server.stop();
    }
  } finally {
    await foundation.stop();
  }
}

interface Target {
  readonly what: string;
  readonly measured: string;
  readonly pass: boolean;
}

function targetsFor(rows: readonly Row[]): Target[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const targets: Target[] = [];
  for (const id of ['S1', 'S2']) {
    const row = byId.get(id);
    if (row === undefined) continue;
    const ratio = row.medianMs / row.floorMedianMs;
    targets.push({ what: `${id} median ≤ 3× floor`, measured: `${ratio.toFixed(1)}×`, pass: ratio <= 3 });
  }
  const s5 = byId.get('S5');
  if (s5 !== undefined) {
    const bound = SLOW_MS * 1.15;
    targets.push({
      what: `S5 median ≤ slow instance + 15% (${bound} ms)`,
      measured: `${s5.medianMs.toFixed(0)} ms`,
      pass: s5.medianMs <= bound,
    });
  }
  const s1 = byId.get('S1');
  if (s1 !== undefined) {
    targets.push({
      what: `S1 ${CLIENTS}-client throughput ≥ 20 req/s`,
      measured: `${s1.loadRps.toFixed(1)} req/s`,
      pass: s1.loadRps >= 20 && s1.loadErrors === 0,
    });
    targets.push({
      what: 'S1 peak RSS ≤ 300 MB',
      measured: `${s1.peakRssMb.toFixed(0)} MB`,
      pass: s1.peakRssMb <= 300,
    });
  }
  return targets;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function printTable(rows: readonly Row[], settings: Settings): void {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(
    `| scenario | bodies MB | answer MB | floor median ms | median ms | p99 ms | ratio | ${CLIENTS} clients req/s | ${CLIENTS} clients p99 ms | peak RSS MB |`,
  );
  out('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    const errors = r.loadErrors > 0 ? ` (${r.loadErrors} errors)` : '';
    out(
      `| ${r.id}: ${r.title} | ${r.bodiesMb.toFixed(1)} | ${r.answerMb.toFixed(1)} | ${ms(r.floorMedianMs)} | ${ms(r.medianMs)} | ` +
        `${ms(r.p99Ms)} | ${(r.medianMs / r.floorMedianMs).toFixed(1)}× | ${r.loadRps.toFixed(1)}${errors} | ` +
        `${ms(r.loadP99Ms)} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  out('');
  out(
    `Sequential: ${settings.sequential} requests (after ${settings.warmup} warm-up), each after one floor sample; ` +
      `load: ${CLIENTS} closed-loop clients, at most ${settings.loadMaxRequests} requests or ` +
      `${settings.loadMaxMs / 1000} s (${rows.map((r) => `${r.id} ${r.loadRequests}`).join(', ')} answered).`,
  );
  for (const r of rows) {
    if (r.loadErrors > 0) out(`${r.id} errors under load: ${JSON.stringify(r.loadErrorKinds)}.`);
  }
  out('');
  const targets = targetsFor(rows);
  if (targets.length > 0) {
    out('| target | measured | |');
    out('|---|--:|---|');
    for (const t of targets) out(`| ${t.what} | ${t.measured} | ${t.pass ? 'PASS' : 'FAIL'} |`);
  }
  if (targets.some((t) => !t.pass)) process.exitCode = 1;
}

async function main(): Promise<void> {
  const { ids, settings } = parseArgs(process.argv.slice(2));
  process.stdout.write(
    `server benchmark: built bin, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n\n`,
  );
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const id of ids) {
    try {
      rows.push(await runScenario(id, settings));
    } catch (error) {
      failures.push(`${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  printTable(rows, settings);
  for (const failure of failures) process.stdout.write(`${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
