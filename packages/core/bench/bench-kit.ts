/**
 * What the core benches share: their command-line arguments, a deterministic random source for the bodies
 * they generate, the CF identity of each generated instance and the medians they print.
 */
import type { CfIdentity } from '../src/relabel/cf-labels.js';

const args = process.argv.slice(2);

/** The value after `--name` on the command line, else `fallback`. */
export const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

/** A deterministic pseudo-random source (xorshift32), so every run sees the same bodies. */
export function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
export const URIS = ['/api/orders', '/api/orders/{id}', '/api/users', '/health', '/api/cart'];

/** Instance `i` of one realistic app (GUIDs, names) in one space. */
export function benchIdentity(i: number): CfIdentity {
  return {
    organizationId: '6b3f9c52-0d8c-4a8e-9b5e-6a0f3f5e2c11',
    spaceId: 'a1d2c3b4-5e6f-4789-9abc-def012345678',
    appId: '0f1e2d3c-4b5a-4968-8776-655443322110',
    organizationName: 'acme',
    spaceName: 'production',
    appName: 'orders-service',
    index: String(i),
    instance: `10.0.${i >> 8}.${i & 255}:61000`,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The CPU time (user + system) since `c0`, in ms. */
export const cpuMs = (c0: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
