/**
 * Inbound authentication of the metrics and discovery endpoints (issue 7 item 4), off by default (drop-in
 * compatibility with the original). Config key `inbound_auth`:
 * - `networks`: client networks allowed (IPv4/IPv6 CIDR, or a bare address); when set, any other client gets
 *   403, whatever its credentials;
 * - `users`: basic-auth users; when set, a request without valid credentials gets 401 with
 *   `WWW-Authenticate`. Every configured user is compared, constant-time over SHA-256 digests, with no early
 *   exit on a user mismatch (the time does not tell which part was wrong nor how many users there are before
 *   the match);
 * - both set: both are required (network first, then credentials).
 * - `forward_credentials` (default false): when users are set, the caller's Authorization authenticated it to
 *   promfetcher and is not sent on to the instances unless this is true. With networks only, Authorization is
 *   not promfetcher's and is forwarded as before.
 * The client address is the socket's (X-Forwarded-For is not trusted); IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) are checked as IPv4.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { BasicCredentials } from './basic-auth.js';

export interface InboundAuthOptions {
  readonly users?: readonly BasicCredentials[];
  readonly networks?: readonly string[];
  readonly forwardCredentials?: boolean;
}

export type InboundVerdict = 'allowed' | 'unauthorized' | 'forbidden';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** `::ffff:a.b.c.d` → `a.b.c.d`; an IPv6 zone (`%eth0`) is dropped. */
function normalise(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  return mapped === null ? plain : mapped[1]!;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address into the list; throws RangeError when invalid. */
function addNetwork(list: BlockList, cidr: string): void {
  const slash = cidr.indexOf('/');
  const address = normalise((slash < 0 ? cidr : cidr.slice(0, slash)).trim());
  const type = family(address);
  if (type === undefined) throw new RangeError(`inbound_auth.networks: "${cidr}" is not an IP network`);
  const max = type === 'ipv4' ? 32 : 128;
  const prefixText = slash < 0 ? String(max) : cidr.slice(slash + 1).trim();
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    throw new RangeError(`inbound_auth.networks: "${cidr}" has an invalid prefix length`);
  }
  list.addSubnet(address, prefix, type);
}

export class InboundAuth {
  private readonly users: readonly { readonly user: Buffer; readonly pass: Buffer }[];
  private readonly networks: BlockList | undefined;
  /** True when the caller's Authorization must not reach the instances. */
  readonly stripsAuthorization: boolean;

  constructor(options: InboundAuthOptions) {
    this.users = (options.users ?? []).map((u) => ({ user: digest(u.user), pass: digest(u.pass) }));
    if ((options.networks ?? []).length > 0) {
      const list = new BlockList();
      for (const cidr of options.networks ?? []) addNetwork(list, cidr);
      this.networks = list;
    }
    this.stripsAuthorization = this.users.length > 0 && options.forwardCredentials !== true;
  }

  /** True when anything is configured (otherwise every request is allowed). */
  get enabled(): boolean {
    return this.users.length > 0 || this.networks !== undefined;
  }

  check(authorization: string | undefined, remoteAddress: string | undefined): InboundVerdict {
    if (this.networks !== undefined) {
      const address = normalise(remoteAddress ?? '');
      const type = family(address);
      if (type === undefined || !this.networks.check(address, type)) return 'forbidden';
    }
    if (this.users.length > 0 && !this.credentialsMatch(authorization)) return 'unauthorized';
    return 'allowed';
  }

  private credentialsMatch(header: string | undefined): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    const decoded = match === null ? '' : Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = digest(colon < 0 ? '' : decoded.slice(0, colon));
    const pass = digest(colon < 0 ? '' : decoded.slice(colon + 1));
    let found = 0;
    for (const u of this.users) {
      // Both comparisons always run, for every user: no early exit.
      const userOk = timingSafeEqual(user, u.user) ? 1 : 0;
      const passOk = timingSafeEqual(pass, u.pass) ? 1 : 0;
      found |= userOk & passOk;
    }
    return match !== null && colon >= 0 && found === 1;
  }
}
