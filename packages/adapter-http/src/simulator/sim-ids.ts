import { createHash } from 'node:crypto';

/** A stable UUID-shaped id derived from `name` (so a simulated foundation has the same GUIDs every run). */
export function simGuid(name: string): string {
  const hex = createHash('sha1').update(`promfetcher-sim:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
