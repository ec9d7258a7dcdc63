import { ConfigError } from '@promfetcher/core';
import type { z } from 'zod';

/**
 * Turns zod issues into one `ConfigError` per problem: the dotted path, what is wrong, and for an unknown key
 * the nearest valid key at that place. Messages never contain the offending value, so a misplaced secret is
 * never printed.
 */
export function configErrorsFrom(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        const near = nearest(key, valid);
        errors.push(
          new ConfigError(
            path,
            `unknown key${near === undefined ? '' : ` (did you mean "${formatPath([...issue.path, near])}"?)`}`,
          ),
        );
      }
      continue;
    }
    errors.push(new ConfigError(formatPath(issue.path), messageOf(issue)));
  }
  return errors;
}

/** `a.b[0].c`; the root is `(config)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(config)' : out;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `is required (${issue.expected})`;
  }
  if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}`;
  if (issue.code === 'invalid_union') return 'has the wrong type (see docs/config.md)';
  return issue.message;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly in?: z.ZodType;
  readonly left?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The object schema reached by following `path` (through defaults, optionals, arrays and pipes). */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): SchemaDef | undefined {
  let def = defOf(schema);
  let index = 0;
  for (let guard = 0; guard < 100; guard++) {
    if (def.innerType !== undefined) {
      def = defOf(def.innerType);
    } else if (def.type === 'pipe' && def.in !== undefined) {
      def = defOf(def.in);
    } else if (index === path.length) {
      return def.type === 'object' ? def : undefined;
    } else if (def.type === 'object' && def.shape !== undefined) {
      const next = def.shape[String(path[index])];
      if (next === undefined) return undefined;
      def = defOf(next);
      index++;
    } else if (def.type === 'array' && def.element !== undefined) {
      def = defOf(def.element);
      index++;
    } else {
      return undefined;
    }
  }
  return undefined;
}

function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): readonly string[] {
  return Object.keys(objectAt(schema, path)?.shape ?? {});
}

/** The valid key closest to `key` (a prefix of it, or edit distance ≤ max(2, a third of its length)), if any. */
export function nearest(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of valid) {
    const [a, b] = [key.toLowerCase(), candidate.toLowerCase()];
    const distance = a.startsWith(b) || b.startsWith(a) ? 1 : editDistance(a, b);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
