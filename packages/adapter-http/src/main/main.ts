import { createSecureContext } from 'node:tls';
import { ConfigError } from '@promfetcher/core';
import type { BindingStore, RouteSource } from '@promfetcher/core';
import type Koa from 'koa';
import type { ServerHandle } from '../http/start-server.js';
import type { PromTelemetry } from '../telemetry/prom-telemetry.js';
import { packageVersion, parseCli, USAGE } from './cli.js';
import type { Config } from './config/config-schema.js';
import { SHUTDOWN_HARD_STOP_MS } from './config/defaults.js';
import { BindingStoreId, MainAppId, PromTelemetryId, RouteSourceId } from './di/tokens.js';
import { installSignalHandlers } from './lifecycle/signals.js';
import { Shutdown } from './lifecycle/shutdown.js';

/** What `main` needs from the process (the bin passes `process`; tests may pass their own). */
export interface MainIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly signals: Parameters<typeof installSignalHandlers>[0];
  /** Ends the process (after a shutdown). */
  readonly exit: (code: number) => void;
}

/** Exit codes: 0 ok, 1 runtime failure (a port or the database), 2 usage or configuration error. */
export const EXIT_RUNTIME = 1;
export const EXIT_CONFIG = 2;

/**
 * The composition root (STYLE.md §3): parse the CLI, load and validate the config (before any port opens),
 * build the container, start the route source and the two listeners, and wire the signals. The only function
 * that calls `container.get`. Resolves with an exit code when the process should end now, or `undefined` once
 * the server runs (it ends later through `io.exit`).
 */
export async function main(io: MainIo): Promise<number | undefined> {
  const action = parseCli(io.argv, io.env);
  if (action.kind === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (action.kind === 'version') {
    io.stdout.write(`promfetcher ${packageVersion()}\n`);
    return 0;
  }
  if (action.kind === 'usage-error') {
    io.stderr.write(`promfetcher: ${action.message}\n${USAGE}`);
    return EXIT_CONFIG;
  }

  // Loaded only now, so that --help and --version answer without loading every adapter.
  const { loadConfig } = await import('./config/load-config.js');
  const loaded = await loadConfig(action.configFile, io.env);
  const problems = loaded.ok ? tlsProblems(loaded.value) : loaded.error;
  if (!loaded.ok || problems.length > 0) {
    for (const problem of problems) io.stderr.write(`promfetcher: config error: ${problem.message}\n`);
    return EXIT_CONFIG;
  }
  const config = loaded.value;
  const [
    { createContainer },
    { componentLogger, createRootLogger },
    { startServer },
    { createHealthApp, HealthState },
  ] = await Promise.all([
    import('./di/container.js'),
    import('./logging/create-logger.js'),
    import('../http/start-server.js'),
    import('../http/health.js'),
  ]);
  const root = createRootLogger(config.logging.level);
  const log = componentLogger(root, 'main');
  const version = packageVersion();
  const container = createContainer(config, root, version);

  let store: BindingStore | undefined;
  try {
    if (config.broker.enable) store = await container.getAsync(BindingStoreId);
  } catch (error) {
    log.error({ err: error }, 'cannot open the binding store');
    io.stderr.write(`promfetcher: cannot open the binding store: ${(error as Error).message}\n`);
    return EXIT_RUNTIME;
  }
  const routeSource = container.get<RouteSource>(RouteSourceId);
  const mainApp = await container.getAsync<Koa>(MainAppId);
  container.get<PromTelemetry>(PromTelemetryId).watchRouteSource(routeSource);
  const health = new HealthState(() => routeSource.status());

  let healthListener: ServerHandle | undefined;
  let mainListener: ServerHandle | undefined;
  try {
    healthListener = await startServer(createHealthApp(health), {
      host: config.listen_host,
      port: config.health_check_port,
    });
    await routeSource.start();
    mainListener = await startServer(mainApp, {
      host: config.listen_host,
      port: config.port,
      ...(config.enable_ssl &&
      config.tls_pem?.cert_chain !== undefined &&
      config.tls_pem.private_key !== undefined
        ? { tls: { cert: config.tls_pem.cert_chain, key: config.tls_pem.private_key } }
        : {}),
    });
  } catch (error) {
    log.error({ err: error }, 'cannot start');
    io.stderr.write(`promfetcher: cannot start: ${(error as Error).message}\n`);
    await Promise.allSettled([
      healthListener?.close(0),
      mainListener?.close(0),
      routeSource.stop(),
      store?.close(),
    ]);
    return EXIT_RUNTIME;
  }
  const listeningMain = mainListener;
  const listeningHealth = healthListener;
  const shutdown = new Shutdown({
    logger: log,
    abandonAfterMs: SHUTDOWN_HARD_STOP_MS + 5_000,
    exit: (code) => {
      uninstall();
      io.exit(code);
    },
    steps: [
      { name: 'main listener', run: () => listeningMain.close(SHUTDOWN_HARD_STOP_MS) },
      { name: 'route source', run: () => routeSource.stop() },
      { name: 'binding store', run: async () => store?.close() },
      { name: 'health listener', run: () => listeningHealth.close(1_000) },
    ],
  });
  const uninstall = installSignalHandlers(io.signals, {
    shutdown: (signal) => {
      health.degrade();
      void shutdown.begin(signal);
    },
    drain: (signal) => {
      health.degrade();
      log.info({ signal, drainDelayMs: config.drain_delay }, 'draining: health answers 503 from now on');
      const timer = setTimeout(() => void shutdown.begin(signal), config.drain_delay);
      timer.unref();
    },
  });
  log.info(
    { url: listeningMain.url, health: listeningHealth.url, routeSource: routeSource.name, version },
    'promfetcher started',
  );
  return undefined;
}

/** The listener's certificate and key must load (checked before any port opens). */
function tlsProblems(config: Config): ConfigError[] {
  const pair = config.tls_pem;
  if (!config.enable_ssl || pair?.cert_chain === undefined || pair.private_key === undefined) return [];
  try {
    createSecureContext({ cert: pair.cert_chain, key: pair.private_key });
    return [];
  } catch (cause) {
    return [
      new ConfigError(
        'tls_pem',
        'the certificate chain or private key cannot be loaded (or they do not match)',
        { cause },
      ),
    ];
  }
}
