import type { Clock } from '@promfetcher/core';
import { Container } from 'inversify';
import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { createBrokerModule } from './broker.module.js';
import { gorouterModule } from './gorouter.module.js';
import { httpModule } from './http.module.js';
import { ClockId, ConfigId, RootLoggerId, VersionId } from './tokens.js';

const systemClock: Clock = { now: () => Date.now() };

/** The process's container: the frozen config, the root logger, the clock, then one module per adapter. */
export function createContainer(config: Config, rootLogger: PinoLogger, version: string): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(ConfigId).toConstantValue(config);
  container.bind(RootLoggerId).toConstantValue(rootLogger);
  container.bind(ClockId).toConstantValue(systemClock);
  container.bind(VersionId).toConstantValue(version);
  container.load(gorouterModule, createBrokerModule(config), httpModule);
  return container;
}
