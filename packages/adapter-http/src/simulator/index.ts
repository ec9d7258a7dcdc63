/**
 * The simulated Cloud Foundry foundation: app instances serving realistic metrics, a gorouter `/routes`
 * stand-in and an optional route-emitter stand-in on NATS. Used by tests, the demo and the benchmarks.
 */
export { startFoundation, DEFAULT_SIM_DOMAIN } from './foundation.js';
export type {
  Foundation,
  FoundationSpec,
  SimApp,
  SimAppSpec,
  SimInstance,
  SimInstanceSpec,
} from './foundation.js';
export { startInstanceServer, DEFAULT_SLOW_MS } from './instance-server.js';
export type { InstanceServer, InstanceServerSpec, InstanceBehaviour } from './instance-server.js';
export { startGorouterStandIn } from './gorouter-stand-in.js';
export type { GorouterStandIn, GorouterRoutesJson, GorouterEndpointJson } from './gorouter-stand-in.js';
export { startNatsRegistrar } from './nats-registrar.js';
export type { NatsRegistrar, NatsRegistrarOptions, RegistryMessage } from './nats-registrar.js';
export { renderInstanceMetrics, seriesCount } from './metrics-generator.js';
export type { InstanceMetricsSpec, SimFormat } from './metrics-generator.js';
export { demoFoundationSpec, benchmarkFoundationSpec, DEMO_BASIC_AUTH } from './scenarios.js';
export type { BenchmarkScenario } from './scenarios.js';
export { simGuid } from './sim-ids.js';
