import { PromfetcherError } from '@promfetcher/core';
import type { Endpoint } from '@promfetcher/core';
import { FNV_OFFSET, FNV_PRIME, SMI_MASK, StringPool } from './string-pool.js';

/** One (URI, endpoint) pair read from a gorouter `/routes` body. */
export interface RoutesBodyEntry {
  readonly uri: string;
  readonly endpoint: Endpoint;
}

export interface RoutesBodyParserOptions {
  /** TTL given to endpoints whose `ttl` is absent or 0 (the old string shape has none). */
  readonly defaultTtlSeconds: number;
  /**
   * Endpoints read from an earlier body, by address (`endpointsByAddress()` of the parser that read it): an
   * endpoint read again unchanged is given as that same frozen object, so an unchanged table allocates almost
   * nothing that lives on.
   */
  readonly previous?: ReadonlyMap<string, Endpoint>;
  /** Receives each entry as soon as it is read; `end()` then returns an empty array. */
  readonly onEntry?: (uri: string, endpoint: Endpoint) => void;
  /** Where strings are interned; a poller passes the same pool to every body it reads. Default: a fresh one. */
  readonly strings?: StringPool;
}

type State =
  | 'start'
  | 'firstKeyOrEnd'
  | 'key'
  | 'inKey'
  | 'colon'
  | 'arrayOpen'
  | 'firstItemOrEnd'
  | 'item'
  | 'inItem'
  | 'itemSeparator'
  | 'keySeparator'
  | 'done';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The endpoint object's known fields (spec §1.2), numbered for a switch; anything else is skipped. */
const enum Field {
  Unknown,
  Address,
  Tls,
  Ttl,
  Tags,
  Protocol,
  PrivateInstanceId,
  ServerCertDomainSan,
  RouteServiceUrl,
  AvailabilityZone,
  IsolationSegment,
}
const FIELDS: ReadonlyMap<string, Field> = new Map([
  ['address', Field.Address],
  ['tls', Field.Tls],
  ['ttl', Field.Ttl],
  ['tags', Field.Tags],
  ['protocol', Field.Protocol],
  ['private_instance_id', Field.PrivateInstanceId],
  ['server_cert_domain_san', Field.ServerCertDomainSan],
  ['route_service_url', Field.RouteServiceUrl],
  ['availability_zone', Field.AvailabilityZone],
  ['isolation_segment', Field.IsolationSegment],
]);

const EMPTY_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Makes endpoints: `new` gives every field an in-object slot (the optional ones included, after V8's slack
 * tracking), where an object literal given fields one by one needs a second object for those past the fourth.
 * The prototype is `Object.prototype`: the results are plain objects like literals.
 */
interface EndpointFields {
  address: string;
  tls: boolean;
  ttlSeconds: number;
  tags: Readonly<Record<string, string>>;
}
const PlainEndpoint = function (
  this: EndpointFields,
  address: string,
  tls: boolean,
  ttlSeconds: number,
  tags: Readonly<Record<string, string>>,
) {
  this.address = address;
  this.tls = tls;
  this.ttlSeconds = ttlSeconds;
  this.tags = tags;
} as unknown as new (
  address: string,
  tls: boolean,
  ttlSeconds: number,
  tags: Readonly<Record<string, string>>,
) => { -readonly [K in keyof Endpoint]: Endpoint[K] };
PlainEndpoint.prototype = Object.prototype;

/** An endpoint's fields other than its address and tags, as read (one scratch object per parser). */
interface EndpointAttributes {
  tls: boolean;
  ttlSeconds: number;
  protocol: Endpoint['protocol'];
  privateInstanceId: string | undefined;
  serverCertDomainSan: string | undefined;
  routeServiceUrl: string | undefined;
  availabilityZone: string | undefined;
  isolationSegment: string | undefined;
}

function noAttributes(): EndpointAttributes {
  return {
    tls: false,
    ttlSeconds: 0,
    protocol: undefined,
    privateInstanceId: undefined,
    serverCertDomainSan: undefined,
    routeServiceUrl: undefined,
    availabilityZone: undefined,
    isolationSegment: undefined,
  };
}

/** Whether `known` has these attributes (its tags are compared by the caller). */
function sameAttributes(known: Endpoint, a: EndpointAttributes): boolean {
  return (
    known.tls === a.tls &&
    known.ttlSeconds === a.ttlSeconds &&
    known.protocol === a.protocol &&
    known.privateInstanceId === a.privateInstanceId &&
    known.serverCertDomainSan === a.serverCertDomainSan &&
    known.routeServiceUrl === a.routeServiceUrl &&
    known.availabilityZone === a.availabilityZone &&
    known.isolationSegment === a.isolationSegment
  );
}

/** A new frozen endpoint: nobody can change it under the table, which keeps it without a defensive copy. */
function frozenEndpoint(
  address: string,
  a: EndpointAttributes,
  tags: Readonly<Record<string, string>>,
): Endpoint {
  const endpoint = new PlainEndpoint(address, a.tls, a.ttlSeconds, tags);
  if (a.protocol !== undefined) endpoint.protocol = a.protocol;
  if (a.privateInstanceId !== undefined) endpoint.privateInstanceId = a.privateInstanceId;
  if (a.serverCertDomainSan !== undefined) endpoint.serverCertDomainSan = a.serverCertDomainSan;
  if (a.routeServiceUrl !== undefined) endpoint.routeServiceUrl = a.routeServiceUrl;
  if (a.availabilityZone !== undefined) endpoint.availabilityZone = a.availabilityZone;
  if (a.isolationSegment !== undefined) endpoint.isolationSegment = a.isolationSegment;
  return Object.freeze(endpoint);
}

const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');
const NULL_BYTES = Buffer.from('null');

/** Whether `b` holds `word` at `at` (not followed by another letter: `nullx` is not `null`). */
function isWord(b: Buffer, at: number, word: Buffer): boolean {
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  const next = b[at + word.length] ?? 0;
  return !(
    (next >= 0x61 && next <= 0x7a) ||
    (next >= 0x41 && next <= 0x5a) ||
    (next >= 0x30 && next <= 0x39)
  );
}

function skipWhitespace(b: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end && isWhitespace(b[i] as number)) i++;
  return i;
}

/** Whether the tags object has exactly these names and values (in any order). */
function sameTagList(
  known: Readonly<Record<string, string>>,
  names: readonly string[],
  values: readonly string[],
): boolean {
  let count = 0;
  for (const _ in known) count++;
  if (count !== names.length) return false;
  for (let k = 0; k < names.length; k++) if (known[names[k] as string] !== values[k]) return false;
  return true;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * An incremental reader of gorouter's `/routes` JSON (spec §1.2–§1.4): `{ "<route key>": [item, …], … }` where
 * an item is an endpoint object or, before 2015, an `"ip:port"` string. It scans the structure one chunk at a
 * time and `JSON.parse`s each item on its own, so a 67 MB body never needs one long blocking parse nor a whole
 * parse tree: feed it the response chunks as they arrive.
 *
 * Every field but `address` is optional and unknown fields are ignored; a known field with a wrong JSON type
 * fails the whole body (gorouter never writes one, so the body is not gorouter's).
 *
 * Built for the garbage collector: what a 100,000-endpoint table keeps is one frozen endpoint object and one
 * frozen tags object per endpoint (the tags object `JSON.parse` made, validated in place), strings shared
 * between endpoints (org/space/app names and GUIDs are interned), and nothing else; an endpoint equal to the
 * one `previous` has at its address is that very object, so a poll that brings an unchanged table leaves only
 * short-lived garbage, which the young generation frees almost for free.
 */
export class RoutesBodyParser {
  private readonly entries: RoutesBodyEntry[] = [];
  private readonly strings: StringPool;
  private readonly byAddress = new Map<string, Endpoint>();
  /** The endpoint being read (scratch, see `frozenEndpoint`). */
  private readonly attributes = noAttributes();
  private readonly previous: ReadonlyMap<string, Endpoint> | undefined;
  private readonly onEntry: ((uri: string, endpoint: Endpoint) => void) | undefined;
  private readonly defaultTtlSeconds: number;
  private state: State = 'start';
  /** The bytes of a key or item begun in an earlier chunk (the buffer is reused from token to token). */
  private pending = Buffer.allocUnsafe(0);
  private pendingLength = 0;
  /** The last character of a string chunk when it is the first half of a surrogate pair. */
  private highSurrogate = '';
  /** Tag names and values of the item being decoded (reused from item to item). */
  private readonly tagNames: string[] = [];
  private readonly tagValues: string[] = [];
  /** The tag names of the last tags object made, and a JSON object with those names (see `makeTags`). */
  private shapeNames: readonly string[] = [];
  private shapeJson = '{}';
  /** Where the last `fastString`/`skipScalar` stopped. */
  private cursor = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Whether the key or item being read has a backslash (an escape): then only JSON.parse reads it. */
  private tokenEscaped = false;
  private currentKey = '';
  private itemIndex = 0;
  /** Bytes consumed by earlier chunks. */
  private offset = 0;
  /** Position (in bytes) of the character being handled, for error messages. */
  private position = 0;

  constructor(options: RoutesBodyParserOptions) {
    this.defaultTtlSeconds = options.defaultTtlSeconds;
    this.previous = options.previous;
    this.onEntry = options.onEntry;
    this.strings = options.strings ?? new StringPool();
  }

  /** Reads the next chunk of the body, as text. Throws `PromfetcherError` (`PF_ROUTES`) at the first malformed byte. */
  write(chunk: string): void {
    let text = this.highSurrogate + chunk;
    this.highSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.highSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.writeBytes(Buffer.from(text, 'utf8'));
  }

  /**
   * Reads the next chunk of the body, as UTF-8 bytes straight from the socket (no 64 KB string per chunk).
   * Throws `PromfetcherError` (`PF_ROUTES`) at the first malformed byte; positions in messages count bytes.
   */
  writeBytes(chunk: Buffer): void {
    const length = chunk.length;
    let tokenStart = this.state === 'inKey' || this.state === 'inItem' ? 0 : -1;
    // Position of the next backslash at or after the current one: -2 not searched yet, -1 none left.
    let backslash = -2;
    let i = 0;
    while (i < length) {
      if (this.state !== 'inKey' && this.state !== 'inItem') {
        const code = chunk[i] as number;
        if (!isWhitespace(code)) {
          this.position = this.offset + i;
          if (this.step(code)) tokenStart = i;
        }
        i++;
        continue;
      }
      if (this.escaped) {
        this.escaped = false;
        i++;
        continue;
      }
      if (this.inString) {
        // Jump to the string's end: most of a body is string contents, and indexOf beats a loop over them.
        const quote = chunk.indexOf(QUOTE, i);
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf(BACKSLASH, i);
        if (backslash !== -1 && (quote < 0 || backslash < quote)) {
          this.escaped = true;
          this.tokenEscaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote < 0) break;
        this.inString = false;
        i = quote + 1;
        if (this.depth === 0) {
          this.position = this.offset + quote;
          this.finishToken(chunk, tokenStart, i);
          tokenStart = -1;
        }
        continue;
      }
      const code = chunk[i];
      if (code === QUOTE) {
        this.inString = true;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        this.depth++;
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.position = this.offset + i;
          this.finishToken(chunk, tokenStart, i + 1);
          tokenStart = -1;
        }
      }
      i++;
    }
    if (tokenStart >= 0) this.keep(chunk, tokenStart, length);
    this.offset += length;
    this.position = this.offset;
  }

  /** Ends the body and returns every entry read (none when `onEntry` took them). Throws when it is truncated. */
  end(): RoutesBodyEntry[] {
    if (this.highSurrogate !== '') {
      const lone = this.highSurrogate;
      this.highSurrogate = '';
      this.writeBytes(Buffer.from(lone, 'utf8'));
    }
    if (this.state !== 'done') {
      throw this.error(
        this.offset === 0 ? 'empty body' : `body ends early (truncated after ${this.offset} characters)`,
      );
    }
    return this.entries;
  }

  /** Every endpoint read so far, by address (the last one read for an address): the next body's `previous`. */
  endpointsByAddress(): ReadonlyMap<string, Endpoint> {
    return this.byAddress;
  }

  /** Handles one structural character outside keys and items; returns true when a token starts at it. */
  private step(code: number): boolean {
    switch (this.state) {
      case 'start':
        if (code !== OPEN_BRACE) throw this.unexpected(code, 'a JSON object');
        this.state = 'firstKeyOrEnd';
        return false;
      case 'firstKeyOrEnd':
        if (code === CLOSE_BRACE) {
          this.state = 'done';
          return false;
        }
        return this.startKey(code);
      case 'key':
        return this.startKey(code);
      case 'colon':
        if (code !== COLON) throw this.unexpected(code, '":"');
        this.state = 'arrayOpen';
        return false;
      case 'arrayOpen':
        if (code !== OPEN_BRACKET)
          throw this.unexpected(code, `an array of endpoints for "${this.currentKey}"`);
        this.state = 'firstItemOrEnd';
        return false;
      case 'firstItemOrEnd':
        if (code === CLOSE_BRACKET) {
          this.state = 'keySeparator';
          return false;
        }
        return this.startItem(code);
      case 'item':
        return this.startItem(code);
      case 'itemSeparator':
        if (code === COMMA) this.state = 'item';
        else if (code === CLOSE_BRACKET) this.state = 'keySeparator';
        else throw this.unexpected(code, '"," or "]"');
        return false;
      case 'keySeparator':
        if (code === COMMA) this.state = 'key';
        else if (code === CLOSE_BRACE) this.state = 'done';
        else throw this.unexpected(code, '"," or "}"');
        return false;
      case 'done':
        throw this.unexpected(code, 'the end of the body');
      default:
        throw this.error(`internal state ${this.state}`);
    }
  }

  private startKey(code: number): boolean {
    if (code !== QUOTE) throw this.unexpected(code, 'a route key string');
    this.state = 'inKey';
    this.inString = true;
    this.depth = 0;
    this.tokenEscaped = false;
    return true;
  }

  private startItem(code: number): boolean {
    if (code === QUOTE) {
      this.inString = true;
      this.depth = 0;
    } else if (code === OPEN_BRACE) {
      this.inString = false;
      this.depth = 1;
    } else {
      throw this.unexpected(code, `an endpoint object or "ip:port" string in "${this.currentKey}"`);
    }
    this.state = 'inItem';
    this.tokenEscaped = false;
    return true;
  }

  /** Keeps `chunk[start, end)`, the beginning of a token that the next chunk completes. */
  private keep(chunk: Buffer, start: number, end: number): void {
    const needed = this.pendingLength + end - start;
    if (needed > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.pending.length, 4_096));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    chunk.copy(this.pending, this.pendingLength, start, end);
    this.pendingLength = needed;
  }

  /** Handles the key or item in `chunk[start, end)` (after any part kept from earlier chunks). */
  private finishToken(chunk: Buffer, start: number, end: number): void {
    let bytes = chunk;
    if (this.pendingLength > 0) {
      this.keep(chunk, start, end);
      bytes = this.pending;
      start = 0;
      end = this.pendingLength;
      this.pendingLength = 0;
    }
    const plain = !this.tokenEscaped;
    if (this.state === 'inKey') {
      const key = plain ? this.fastString(bytes, start, end) : undefined;
      this.currentKey =
        key !== undefined && this.cursor === end
          ? key
          : this.strings.fromString(this.parseJson(bytes, start, end) as string);
      this.itemIndex = 0;
      this.state = 'colon';
      return;
    }
    const endpoint =
      (plain ? this.decodeItem(bytes, start, end) : undefined) ??
      this.toEndpoint(this.parseJson(bytes, start, end));
    this.byAddress.set(endpoint.address, endpoint);
    if (this.onEntry !== undefined) this.onEntry(this.currentKey, endpoint);
    else this.entries.push({ uri: this.currentKey, endpoint });
    this.itemIndex++;
    this.state = 'itemSeparator';
  }

  private parseJson(bytes: Buffer, start: number, end: number): unknown {
    try {
      return JSON.parse(bytes.toString('utf8', start, end));
    } catch (cause) {
      throw this.error(`invalid JSON ${this.state === 'inKey' ? 'key' : `in "${this.currentKey}"`}`, cause);
    }
  }

  /**
   * The fast path: decodes the common item (plain ASCII strings without escapes, integers, booleans, null,
   * string tags, unknown fields with such values) straight from the bytes, taking every string from the pool,
   * so an item equal to one of the previous body allocates nothing. Returns undefined for anything else
   * (escapes, other characters, nested unknown fields, wrong types, a missing address…): the item then goes
   * through `JSON.parse` and `toEndpoint`, which decide, and report errors, exactly as before.
   */
  private decodeItem(b: Buffer, start: number, end: number): Endpoint | undefined {
    if (b[start] === QUOTE) {
      const address = this.fastString(b, start, end);
      if (address === undefined || address === '' || this.cursor !== end) return undefined;
      return this.stringShaped(address);
    }
    let address: string | undefined;
    let tls: boolean | undefined;
    let ttl: number | undefined;
    let rawProtocol: string | undefined;
    let privateInstanceId: string | undefined;
    let serverCertDomainSan: string | undefined;
    let routeServiceUrl: string | undefined;
    let availabilityZone: string | undefined;
    let isolationSegment: string | undefined;
    const names = this.tagNames;
    const values = this.tagValues;
    names.length = 0;
    values.length = 0;
    let i = skipWhitespace(b, start + 1, end);
    if (b[i] === CLOSE_BRACE) return undefined;
    for (;;) {
      const name = this.fastString(b, i, end);
      if (name === undefined) return undefined;
      i = skipWhitespace(b, this.cursor, end);
      if (b[i] !== COLON) return undefined;
      i = skipWhitespace(b, i + 1, end);
      const code = b[i];
      const isNull = code === 0x6e && isWord(b, i, NULL_BYTES);
      const field = FIELDS.get(name) ?? Field.Unknown;
      if (field === Field.Unknown) {
        if (this.skipScalar(b, i, end) < 0) return undefined;
        i = this.cursor;
      } else if (field === Field.Tls) {
        if (isNull) tls = undefined;
        else if (code === 0x74 && isWord(b, i, TRUE_BYTES)) tls = true;
        else if (code === 0x66 && isWord(b, i, FALSE_BYTES)) tls = false;
        else return undefined;
        i += tls === false ? 5 : 4;
      } else if (field === Field.Ttl) {
        if (isNull) {
          ttl = undefined;
          i += 4;
        } else {
          ttl = this.integer(b, i, end);
          if (ttl === undefined) return undefined;
          i = this.cursor;
        }
      } else if (field === Field.Tags) {
        if (isNull) {
          names.length = 0;
          values.length = 0;
          i += 4;
        } else if (code === OPEN_BRACE) {
          if (!this.tagList(b, i, end)) return undefined;
          i = this.cursor;
        } else return undefined;
      } else {
        let text: string | undefined;
        if (isNull) i += 4;
        else if (code === QUOTE) {
          text = this.fastString(b, i, end);
          if (text === undefined) return undefined;
          i = this.cursor;
        } else return undefined;
        if (field === Field.Address) address = text;
        else if (field === Field.Protocol) rawProtocol = text;
        else if (field === Field.PrivateInstanceId) privateInstanceId = text;
        else if (field === Field.ServerCertDomainSan) serverCertDomainSan = text;
        else if (field === Field.RouteServiceUrl) routeServiceUrl = text;
        else if (field === Field.AvailabilityZone) availabilityZone = text;
        else isolationSegment = text;
      }
      i = skipWhitespace(b, i, end);
      if (b[i] === COMMA) {
        i = skipWhitespace(b, i + 1, end);
        continue;
      }
      if (b[i] === CLOSE_BRACE && i === end - 1) break;
      return undefined;
    }
    if (address === undefined || address === '') return undefined;
    const ttlSeconds = ttl !== undefined && ttl > 0 ? ttl : this.defaultTtlSeconds;
    const protocol = rawProtocol === 'http1' || rawProtocol === 'http2' ? rawProtocol : undefined;
    if (privateInstanceId === '') privateInstanceId = undefined;
    if (serverCertDomainSan === '') serverCertDomainSan = undefined;
    if (routeServiceUrl === '') routeServiceUrl = undefined;
    if (availabilityZone === '') availabilityZone = undefined;
    if (isolationSegment === '') isolationSegment = undefined;
    const tlsValue = tls ?? false;

    const a = this.attributes;
    a.tls = tlsValue;
    a.ttlSeconds = ttlSeconds;
    a.protocol = protocol;
    a.privateInstanceId = privateInstanceId;
    a.serverCertDomainSan = serverCertDomainSan;
    a.routeServiceUrl = routeServiceUrl;
    a.availabilityZone = availabilityZone;
    a.isolationSegment = isolationSegment;
    const known = this.previous?.get(address);
    if (known !== undefined && sameAttributes(known, a) && sameTagList(known.tags, names, values))
      return known;
    return frozenEndpoint(address, a, names.length === 0 ? EMPTY_TAGS : this.makeTags(names, values));
  }

  /**
   * The string at `b[at]` (a `"`) when it is plain printable ASCII, pooled; else undefined. Only for tokens
   * without a backslash, so the next `"` ends it. One pass finds the end, checks and hashes the bytes.
   */
  private fastString(b: Buffer, at: number, end: number): string | undefined {
    if (b[at] !== QUOTE) return undefined;
    let hash = FNV_OFFSET;
    for (let i = at + 1; i < end; i++) {
      const code = b[i] as number;
      if (code === QUOTE) {
        this.cursor = i + 1;
        return this.strings.fromAscii(b, at + 1, i, hash & SMI_MASK);
      }
      if (code < 0x20 || code > 0x7e) return undefined;
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
    return undefined;
  }

  /**
   * A frozen tags object with these names and values. Made by `JSON.parse` of a template with the same names
   * (cached: endpoints nearly all have the same tag names), it keeps every tag in-object as `JSON.parse` makes
   * it; set one by one on `{}`, all but four would need a second, growing object.
   */
  private makeTags(names: readonly string[], values: readonly string[]): Readonly<Record<string, string>> {
    const shape = this.shapeNames;
    let same = shape.length === names.length;
    for (let k = 0; same && k < names.length; k++) same = shape[k] === names[k];
    if (!same) {
      const template: Record<string, string> = {};
      for (const name of names) template[name] = '';
      this.shapeNames = names.slice();
      this.shapeJson = JSON.stringify(template);
    }
    const made = JSON.parse(this.shapeJson) as Record<string, string>;
    for (let k = 0; k < names.length; k++) made[names[k] as string] = values[k] as string;
    return Object.freeze(made);
  }

  /** The tags object at `b[at]` (a `{`) into `tagNames`/`tagValues`; false when it needs the slow path. */
  private tagList(b: Buffer, at: number, end: number): boolean {
    const names = this.tagNames;
    const values = this.tagValues;
    names.length = 0;
    values.length = 0;
    let i = skipWhitespace(b, at + 1, end);
    if (b[i] === CLOSE_BRACE) {
      this.cursor = i + 1;
      return true;
    }
    for (;;) {
      const name = this.fastString(b, i, end);
      // A repeated name or `__proto__` would not come out as JSON.parse makes it: leave those to it.
      if (name === undefined || name === '__proto__' || names.includes(name)) return false;
      i = skipWhitespace(b, this.cursor, end);
      if (b[i] !== COLON) return false;
      i = skipWhitespace(b, i + 1, end);
      const value = this.fastString(b, i, end);
      if (value === undefined) return false;
      names.push(name);
      values.push(value);
      i = skipWhitespace(b, this.cursor, end);
      if (b[i] === COMMA) {
        i = skipWhitespace(b, i + 1, end);
        continue;
      }
      if (b[i] !== CLOSE_BRACE) return false;
      this.cursor = i + 1;
      return true;
    }
  }

  /** A JSON integer of at most 15 digits at `b[at]`, or undefined (fractions, exponents and others). */
  private integer(b: Buffer, at: number, end: number): number | undefined {
    let i = at;
    const negative = b[i] === MINUS;
    if (negative) i++;
    const first = i;
    let value = 0;
    while (i < end && (b[i] as number) >= DIGIT_0 && (b[i] as number) <= DIGIT_9) {
      value = value * 10 + ((b[i] as number) - DIGIT_0);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && b[first] === DIGIT_0)) return undefined;
    const next = b[i];
    if (next === 0x2e || next === 0x65 || next === 0x45) return undefined;
    this.cursor = i;
    return negative ? -value : value;
  }

  /** Skips an unknown field's value when it is a plain string, integer, boolean or null; -1 otherwise. */
  private skipScalar(b: Buffer, at: number, end: number): number {
    const code = b[at];
    if (code === QUOTE) {
      for (let i = at + 1; i < end; i++) {
        const c = b[i] as number;
        if (c === QUOTE) return (this.cursor = i + 1);
        if (c === BACKSLASH || c < 0x20) return -1;
      }
      return -1;
    }
    if (code === 0x74 && isWord(b, at, TRUE_BYTES)) return (this.cursor = at + 4);
    if (code === 0x66 && isWord(b, at, FALSE_BYTES)) return (this.cursor = at + 5);
    if (code === 0x6e && isWord(b, at, NULL_BYTES)) return (this.cursor = at + 4);
    return this.integer(b, at, end) === undefined ? -1 : this.cursor;
  }

  /** An old-shape `"ip:port"` item: the previous body's endpoint when it was the same. */
  private stringShaped(address: string): Endpoint {
    const known = this.previous?.get(address);
    if (
      known !== undefined &&
      known.tags === EMPTY_TAGS &&
      !known.tls &&
      known.ttlSeconds === this.defaultTtlSeconds &&
      noOptionalFields(known)
    ) {
      return known;
    }
    return Object.freeze({ address, tls: false, ttlSeconds: this.defaultTtlSeconds, tags: EMPTY_TAGS });
  }

  private toEndpoint(value: unknown): Endpoint {
    if (typeof value === 'string') {
      if (value === '') throw this.error(`${this.where()}: empty address`);
      return this.stringShaped(this.strings.fromString(value));
    }
    // Validate every known field first, in a fixed order (the first wrong one is the one reported).
    const item = value as Record<string, unknown>;
    const address = this.field<string>(item, 'address', 'string');
    if (address === undefined || address === '') throw this.error(`${this.where()}: missing "address"`);
    const ttl = this.field<number>(item, 'ttl', 'number');
    const ttlSeconds = ttl !== undefined && ttl > 0 ? ttl : this.defaultTtlSeconds;
    const tls = this.field<boolean>(item, 'tls', 'boolean') ?? false;
    const tags = this.tags(item['tags']);
    const rawProtocol = this.field<string>(item, 'protocol', 'string');
    const protocol = rawProtocol === 'http1' || rawProtocol === 'http2' ? rawProtocol : undefined;
    const privateInstanceId = this.optionalString(item, 'private_instance_id');
    const serverCertDomainSan = this.optionalString(item, 'server_cert_domain_san');
    const routeServiceUrl = this.optionalString(item, 'route_service_url');
    const availabilityZone = this.optionalString(item, 'availability_zone');
    const isolationSegment = this.optionalString(item, 'isolation_segment');

    // The same endpoint as in the previous body: keep that object (already frozen, its strings interned).
    const a = this.attributes;
    a.tls = tls;
    a.ttlSeconds = ttlSeconds;
    a.protocol = protocol;
    a.privateInstanceId = this.internOptional(privateInstanceId);
    a.serverCertDomainSan = this.internOptional(serverCertDomainSan);
    a.routeServiceUrl = this.internOptional(routeServiceUrl);
    a.availabilityZone = this.internOptional(availabilityZone);
    a.isolationSegment = this.internOptional(isolationSegment);
    const known = this.previous?.get(address);
    if (known !== undefined && sameAttributes(known, a) && sameTags(known.tags, tags)) return known;
    return frozenEndpoint(address, a, this.internTags(tags));
  }

  /** One copy of each distinct value (see `StringPool`). */
  private intern(value: string): string {
    return this.strings.fromString(value);
  }

  private internOptional(value: string | undefined): string | undefined {
    return value === undefined ? undefined : this.strings.fromString(value);
  }

  /** A known field of an endpoint object: absent/null → undefined; a wrong JSON type fails the body. */
  private field<T>(
    item: Record<string, unknown>,
    name: string,
    type: 'string' | 'boolean' | 'number',
  ): T | undefined {
    const raw = item[name];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== type)
      throw this.error(`${this.where()}.${name}: expected a ${type}, got ${describe(raw)}`);
    return raw as T;
  }

  /** An optional string field: absent, null or "" → undefined. */
  private optionalString(item: Record<string, unknown>, name: string): string | undefined {
    const text = this.field<string>(item, name, 'string');
    return text === '' ? undefined : text;
  }

  /** `"<route key>"[<index>]` of the item being read, for error messages (built only on error). */
  private where(): string {
    return `${JSON.stringify(this.currentKey)}[${this.itemIndex}]`;
  }

  /** Validates `tags`; returns the object itself (a fresh one from JSON.parse, owned by nobody else). */
  private tags(raw: unknown): Record<string, string> {
    if (raw === undefined || raw === null) return EMPTY_TAGS as Record<string, string>;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw this.error(`${this.where()}.tags: expected an object, got ${describe(raw)}`);
    }
    const tags = raw as Record<string, unknown>;
    for (const name in tags) {
      const value = tags[name];
      if (typeof value !== 'string') {
        throw this.error(`${this.where()}.tags.${name}: expected a string, got ${describe(value)}`);
      }
    }
    return tags as Record<string, string>;
  }

  /**
   * Interns the values in place and freezes: kept as `JSON.parse` made it, the object has every tag in-object
   * (a copy would need a second object for all but four of them).
   */
  private internTags(tags: Record<string, string>): Readonly<Record<string, string>> {
    if (tags === EMPTY_TAGS) return EMPTY_TAGS;
    let count = 0;
    for (const name in tags) {
      tags[name] = this.intern(tags[name] as string);
      count++;
    }
    return count === 0 ? EMPTY_TAGS : Object.freeze(tags);
  }

  private unexpected(code: number, expected: string): PromfetcherError {
    return this.error(`expected ${expected}, found ${JSON.stringify(String.fromCharCode(code))}`);
  }

  private error(message: string, cause?: unknown): PromfetcherError {
    return new PromfetcherError(
      'PF_ROUTES',
      `gorouter /routes body: ${message} (at character ${this.position})`,
      cause === undefined ? undefined : { cause },
    );
  }
}

function noOptionalFields(endpoint: Endpoint): boolean {
  return (
    endpoint.protocol === undefined &&
    endpoint.privateInstanceId === undefined &&
    endpoint.serverCertDomainSan === undefined &&
    endpoint.routeServiceUrl === undefined &&
    endpoint.availabilityZone === undefined &&
    endpoint.isolationSegment === undefined
  );
}

/** Same names and values (tag order does not matter). */
function sameTags(known: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): boolean {
  if (known === tags) return true;
  let count = 0;
  for (const name in tags) {
    if (known[name] !== tags[name]) return false;
    count++;
  }
  for (const _ in known) count--;
  return count === 0;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

/** Parses a whole `/routes` body at once (small bodies, tests). */
export function parseRoutesBody(body: string, options: RoutesBodyParserOptions): RoutesBodyEntry[] {
  const parser = new RoutesBodyParser(options);
  parser.write(body);
  return parser.end();
}
