import { brokerConfigShape } from '@promfetcher/adapter-broker';
import { gorouterConfigShape, natsConfigShape } from '@promfetcher/adapter-gorouter';
import { z } from 'zod';
import { httpConfigShape } from './http-config.js';

/**
 * The whole config file: the adapters' slices (gorouter poller, NATS subscriber, broker) and the server's own,
 * composed into one strict object. Cross-field rules name every key involved (STYLE.md §6).
 */
export const configSchema = z
  .strictObject({
    ...gorouterConfigShape,
    ...natsConfigShape,
    ...brokerConfigShape,
    ...httpConfigShape,
  })
  .superRefine((config, ctx) => {
    const hasGorouters = config.gorouters.length > 0;
    const hasNats = config.nats !== undefined;
    if (hasGorouters && hasNats) {
      ctx.addIssue({
        code: 'custom',
        path: ['gorouters'],
        message: 'gorouters and nats are both set: choose one route source (remove gorouters or nats)',
      });
    } else if (!hasGorouters && !hasNats) {
      ctx.addIssue({
        code: 'custom',
        path: ['nats'],
        message: 'no route source: set nats (hosts of the NATS servers) or gorouters (a non-empty list)',
      });
    }
    if (config.enable_ssl && config.tls_pem?.cert_chain === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls_pem'],
        message: 'enable_ssl is true but tls_pem.cert_chain and tls_pem.private_key are not set',
      });
    }
    if (config.port !== 0 && config.port === config.health_check_port) {
      ctx.addIssue({
        code: 'custom',
        path: ['health_check_port'],
        message: `port and health_check_port are both ${config.port}: they must differ`,
      });
    }
    if (config.base_url !== '' && !URL.canParse(config.base_url)) {
      ctx.addIssue({ code: 'custom', path: ['base_url'], message: 'base_url is not an absolute URL' });
    }
    const names = new Set<string>();
    config.external_exporters.forEach((exporter, index) => {
      const name = exporter.name ?? `${exporter.host}${exporter.metrics_path}`;
      if (names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['external_exporters', index, 'name'],
          message: `duplicate exporter name "${name}"`,
        });
      }
      names.add(name);
    });
  });

/** The validated configuration: YAML keys as in promfetcher-release, durations in ms, sizes in bytes. */
export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
