import type { BrokerConfig } from './config.js';

/** What the broker router needs: credentials, catalog ids, public URL. */
export interface BrokerRouterConfig {
  readonly user: string;
  readonly pass: string;
  readonly serviceId: string;
  readonly planId: string;
  /** Public URL of promfetcher without a trailing `/` (the catalog's documentation URL). */
  readonly baseUrl: string;
}

/** The router's settings from the config slice. Throws when the broker is disabled or lacks credentials. */
export function brokerRouterConfigFrom(config: BrokerConfig | BrokerRouterConfig): BrokerRouterConfig {
  if (!('broker' in config)) return config;
  const { user, pass } = config.broker;
  if (!config.broker.enable || user === undefined || pass === undefined || user === '' || pass === '') {
    throw new TypeError(
      'the broker is disabled or has no credentials (broker.enable, broker.user, broker.pass)',
    );
  }
  return {
    user,
    pass,
    serviceId: config.broker.broker_service_id,
    planId: config.broker.broker_plan_id,
    baseUrl: config.base_url,
  };
}
