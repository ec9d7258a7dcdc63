import type { FoundationSpec, SimAppSpec, SimInstanceSpec } from './foundation.js';
import { seriesCount } from './metrics-generator.js';

const BASE_SERIES = seriesCount({ appName: '', instanceIndex: 0 });

/**
 * The demo foundation (issue 6): two orgs, three spaces, six apps; one OpenMetrics app, one gzip app, one
 * slow instance, one failing instance, one app behind basic auth.
 */
export const DEMO_BASIC_AUTH = Object.freeze({ user: 'metrics', pass: 'demo-only-password' });

export function demoFoundationSpec(options: { readonly slowMs?: number } = {}): FoundationSpec {
  const slow: SimInstanceSpec = { behaviour: 'slow', slowMs: options.slowMs ?? 4_000 };
  return {
    apps: [
      { org: 'acme', space: 'prod', name: 'shop', instances: 3 },
      { org: 'acme', space: 'prod', name: 'checkout', instances: 2, openMetrics: true },
      { org: 'acme', space: 'prod', name: 'catalog', instances: 2, gzip: true },
      { org: 'acme', space: 'dev', name: 'shop', instances: [{}, slow] },
      { org: 'globex', space: 'staging', name: 'billing', instances: [{}, {}, { behaviour: 'failing' }] },
      { org: 'globex', space: 'staging', name: 'vault', instances: 2, basicAuth: DEMO_BASIC_AUTH },
    ],
  };
}

export interface BenchmarkScenario {
  readonly apps: number;
  readonly instances: number;
  /** Series per instance (at least the realistic base families' 34). */
  readonly series: number;
  readonly gzip?: boolean;
  readonly openMetrics?: boolean;
  /** Instances (per app, the last ones) that answer after `slowMs`. */
  readonly slowInstances?: number;
  readonly slowMs?: number;
  /** Instances (per app, before the slow ones) that answer 500. */
  readonly failingInstances?: number;
}

/** A foundation for benchmarks: `apps` × `instances` × `series`, in org `bench`, space `bench`, apps `app-<n>`. */
export function benchmarkFoundationSpec(scenario: BenchmarkScenario): FoundationSpec {
  const slow = scenario.slowInstances ?? 0;
  const failing = scenario.failingInstances ?? 0;
  const apps: SimAppSpec[] = Array.from({ length: scenario.apps }, (_, a) => ({
    org: 'bench',
    space: 'bench',
    name: `app-${a}`,
    instances: Array.from({ length: scenario.instances }, (_, i): SimInstanceSpec => {
      if (i >= scenario.instances - slow) return { behaviour: 'slow', slowMs: scenario.slowMs ?? 2_000 };
      if (i >= scenario.instances - slow - failing) return { behaviour: 'failing' };
      return {};
    }),
    extraSeries: Math.max(0, scenario.series - BASE_SERIES),
    ...(scenario.gzip === undefined ? {} : { gzip: scenario.gzip }),
    ...(scenario.openMetrics === undefined ? {} : { openMetrics: scenario.openMetrics }),
  }));
  return { apps };
}
