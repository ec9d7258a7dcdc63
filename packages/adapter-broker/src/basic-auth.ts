import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when an `Authorization: Basic …` header carries exactly this user and password. The comparison takes
 * the same time whatever the input (both sides are hashed to equal length, then compared in constant time).
 */
export function basicAuthMatches(header: string | undefined, user: string, pass: string): boolean {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header ?? '');
  const given = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
  const expected = `${user}:${pass}`;
  const same = timingSafeEqual(digest(given), digest(expected));
  return match !== null && same;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
