/**
 * A simulated foundation in its own process (forked by server.bench.ts), so the load generator, the
 * foundation and promfetcher do not share an event loop. argv[2] is a JSON `BenchmarkScenario`. Sends one
 * `FoundationReady` message over IPC, then stops everything when the parent disconnects (or dies).
 */
import { benchmarkFoundationSpec, startFoundation } from '../src/simulator/index.js';
import type { BenchmarkScenario } from '../src/simulator/index.js';

export interface FoundationReady {
  readonly gorouter: { readonly port: number; readonly user: string; readonly pass: string };
  readonly app: { readonly org: string; readonly space: string; readonly name: string };
  /** `127.0.0.1:<port>` of every instance of the app, in index order. */
  readonly instances: readonly string[];
}

async function main(): Promise<void> {
  const scenario = JSON.parse(process.argv[2] ?? '{}') as BenchmarkScenario;
  const foundation = await startFoundation(benchmarkFoundationSpec(scenario));
  const app = foundation.apps[0];
  if (app === undefined) throw new Error('the scenario has no app');
  const ready: FoundationReady = {
    gorouter: {
      port: foundation.gorouter.port,
      user: foundation.gorouter.user,
      pass: foundation.gorouter.pass,
    },
    app: { org: app.org, space: app.space, name: app.name },
    instances: app.instances.map((instance) => instance.address),
  };
  process.once('disconnect', () => {
    void foundation.stop().then(() => process.exit(0));
  });
  process.send?.(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`foundation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
