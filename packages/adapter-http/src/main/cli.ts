import { readFileSync } from 'node:fs';
import { CONFIG_FILE_ENV } from './config/env-overrides.js';

/** What the command line asks for. */
export type CliAction =
  | { readonly kind: 'run'; readonly configFile: string | undefined }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage-error'; readonly message: string };

export const USAGE = `Usage: promfetcher [--config FILE]

Scrapes every instance of a Cloud Foundry app and serves one merged, CF-labelled Prometheus exposition.

Options:
  -c, --config FILE   YAML config file (promfetcher-release keys; see docs/config.md).
                      Default: $${CONFIG_FILE_ENV}, else environment variables and defaults only.
  -h, --help          Print this help and exit.
  -v, --version       Print the version and exit.

Environment:
  ${CONFIG_FILE_ENV}=FILE   the config file, when --config is not given
  PROMFETCHER_<KEY>         overrides a config key, e.g. PROMFETCHER_PORT=8085, PROMFETCHER_LOG_LEVEL=debug,
                            PROMFETCHER_NATS_HOSTS=host:port,host:port (the full list is in docs/config.md)

Signals:
  SIGINT, SIGTERM, SIGQUIT   graceful shutdown (in-flight requests finish; hard stop after 15 s)
  SIGUSR1                    drain: the health check answers 503 for good, then a graceful shutdown
`;

/** Parses `argv` (without `node` and the script); `--config` wins over `PROMFETCHER_CONFIG`. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliAction {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    if (arg === '-c' || arg === '--config') {
      const value = argv[i + 1];
      if (value === undefined || value === '')
        return { kind: 'usage-error', message: `${arg} needs a file name` };
      configFile = value;
      i++;
    } else if (arg.startsWith('--config=')) {
      configFile = arg.slice('--config='.length);
      if (configFile === '') return { kind: 'usage-error', message: '--config= needs a file name' };
    } else {
      return { kind: 'usage-error', message: `unknown argument "${arg}"` };
    }
  }
  const fromEnv = env[CONFIG_FILE_ENV];
  return {
    kind: 'run',
    configFile: configFile ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv),
  };
}

/** The version of the package (read from its package.json, next to `src/` and `dist/`). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
