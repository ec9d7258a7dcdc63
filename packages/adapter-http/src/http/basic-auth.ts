/**
 * Basic auth for `/routes` (it lists every app's internal addresses, spec §5 item 17). Decision: without
 * configured credentials the route answers 401 to everyone — exposing the table is opt-in. Comparison is
 * constant-time over SHA-256 digests (no early exit, no length leak).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  readonly user: string;
  readonly pass: string;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function checkBasicAuth(header: string | undefined, expected: BasicCredentials | undefined): boolean {
  if (expected === undefined || header === undefined) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(expected.user));
  const passOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(expected.pass));
  return userOk && passOk;
}
