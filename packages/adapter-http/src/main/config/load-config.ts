import { readFile } from 'node:fs/promises';
import { ConfigError, err, ok } from '@promfetcher/core';
import type { Result } from '@promfetcher/core';
import { LineCounter, parseDocument } from 'yaml';
import { configErrorsFrom } from './config-issues.js';
import { configSchema } from './config-schema.js';
import type { Config } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';
import { applyEnvOverrides } from './env-overrides.js';

export interface ConfigSource {
  /** The YAML text (of `file`, when given), or undefined for none (env and defaults only). */
  readonly text?: string;
  /** The file name, for messages. */
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * YAML + `PROMFETCHER_*` env overrides → schema (defaults, durations to ms) → cross-field rules → deep freeze
 * (STYLE.md §6). Every problem is one `ConfigError`; none of them contains a configured value.
 */
export function parseConfig(source: ConfigSource): Result<Config, readonly ConfigError[]> {
  const where = source.file ?? 'config';
  let raw: unknown = {};
  if (source.text !== undefined) {
    const lineCounter = new LineCounter();
    const document = parseDocument(source.text, { prettyErrors: false, uniqueKeys: true, lineCounter });
    if (document.errors.length > 0) {
      return err(
        document.errors.map((e) => {
          const line = lineCounter.linePos(e.pos[0]).line;
          return new ConfigError(
            line === undefined ? where : `${where}:${line}`,
            `YAML ${e.code}: ${firstLine(e.message)}`,
          );
        }),
      );
    }
    raw = document.toJS() ?? {};
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err([new ConfigError(where, 'the YAML document must be a mapping of keys')]);
  }
  const { value, errors: envErrors } = applyEnvOverrides(raw as Record<string, unknown>, source.env);
  const parsed = configSchema.safeParse(value);
  const errors = [
    ...envErrors,
    ...(parsed.success ? [] : configErrorsFrom(parsed.error.issues, configSchema)),
  ];
  if (errors.length > 0 || !parsed.success) return err(errors);
  return ok(deepFreeze(parsed.data));
}

/** Reads `file` (when given) and parses it with `env`; a missing or unreadable file is one error. */
export async function loadConfig(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Result<Config, readonly ConfigError[]>> {
  if (file === undefined) return parseConfig({ env });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    return err([new ConfigError(file, `cannot read the config file (${code})`, { cause })]);
  }
  return parseConfig({ text, file, env });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
