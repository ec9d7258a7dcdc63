import { PromfetcherError } from '@promfetcher/core';
import type { Endpoint } from '@promfetcher/core';

/** One (URI, endpoint) pair read from a gorouter `/routes` body. */
export interface RoutesBodyEntry {
  readonly uri: string;
  readonly endpoint: Endpoint;
}

export interface RoutesBodyParserOptions {
  /** TTL given to endpoints whose `ttl` is absent or 0 (the old string shape has none). */
  readonly defaultTtlSeconds: number;
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

const EMPTY_TAGS: Readonly<Record<string, string>> = Object.freeze({});

const OPTIONAL_STRINGS = [
  ['private_instance_id', 'privateInstanceId'],
  ['server_cert_domain_san', 'serverCertDomainSan'],
  ['route_service_url', 'routeServiceUrl'],
  ['availability_zone', 'availabilityZone'],
  ['isolation_segment', 'isolationSegment'],
] as const;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * An incremental reader of gorouter's `/routes` JSON (spec §1.2–§1.4): `{ "<route key>": [item, …], … }` where
 * an item is an endpoint object or, before 2015, an `"ip:port"` string. It scans the structure one chunk at a
 * time and `JSON.parse`s each item on its own, so a 40 MB body never needs one long blocking parse: feed it
 * the response chunks as they arrive.
 *
 * Every field but `address` is optional and unknown fields are ignored; a known field with a wrong JSON type
 * fails the whole body (gorouter never writes one, so the body is not gorouter's).
 */
export class RoutesBodyParser {
  private readonly entries: RoutesBodyEntry[] = [];
  private readonly strings = new Map<string, string>();
  private state: State = 'start';
  /** Text of the key or item being read (it may span chunks). */
  private token = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private currentKey = '';
  private itemIndex = 0;
  /** Characters consumed by earlier chunks. */
  private offset = 0;
  /** Position of the character being handled, for error messages. */
  private position = 0;

  constructor(private readonly options: RoutesBodyParserOptions) {}

  /** Reads the next chunk of the body. Throws `PromfetcherError` (`PF_ROUTES`) at the first malformed byte. */
  write(chunk: string): void {
    const length = chunk.length;
    let tokenStart = this.state === 'inKey' || this.state === 'inItem' ? 0 : -1;
    for (let i = 0; i < length; i++) {
      const code = chunk.charCodeAt(i);
      switch (this.state) {
        case 'inKey':
        case 'inItem': {
          if (this.escaped) {
            this.escaped = false;
          } else if (this.inString) {
            if (code === BACKSLASH) this.escaped = true;
            else if (code === QUOTE) {
              this.inString = false;
              if (this.depth === 0) {
                this.token += chunk.slice(tokenStart, i + 1);
                tokenStart = -1;
                this.position = this.offset + i;
                this.finishToken();
              }
            }
          } else if (code === QUOTE) {
            this.inString = true;
          } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
            this.depth++;
          } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
            this.depth--;
            if (this.depth === 0) {
              this.token += chunk.slice(tokenStart, i + 1);
              tokenStart = -1;
              this.position = this.offset + i;
              this.finishToken();
            }
          }
          break;
        }
        default: {
          if (isWhitespace(code)) break;
          this.position = this.offset + i;
          if (this.step(code)) tokenStart = i;
        }
      }
    }
    if (tokenStart >= 0) this.token += chunk.slice(tokenStart);
    this.offset += length;
    this.position = this.offset;
  }

  /** Ends the body and returns every entry read. Throws when the body is incomplete (truncated). */
  end(): RoutesBodyEntry[] {
    if (this.state !== 'done') {
      throw this.error(
        this.offset === 0 ? 'empty body' : `body ends early (truncated after ${this.offset} characters)`,
      );
    }
    return this.entries;
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
    this.token = '';
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
    this.token = '';
    return true;
  }

  private finishToken(): void {
    const text = this.token;
    this.token = '';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw this.error(`invalid JSON ${this.state === 'inKey' ? 'key' : `in "${this.currentKey}"`}`, cause);
    }
    if (this.state === 'inKey') {
      this.currentKey = value as string;
      this.itemIndex = 0;
      this.state = 'colon';
      return;
    }
    this.entries.push({ uri: this.currentKey, endpoint: this.toEndpoint(value) });
    this.itemIndex++;
    this.state = 'itemSeparator';
  }

  private toEndpoint(value: unknown): Endpoint {
    if (typeof value === 'string') {
      if (value === '') throw this.error(`${this.where()}: empty address`);
      return Object.freeze({
        address: value,
        tls: false,
        ttlSeconds: this.options.defaultTtlSeconds,
        tags: EMPTY_TAGS,
      });
    }
    const item = value as Record<string, unknown>;
    const address = this.field<string>(item, 'address', 'string');
    if (address === undefined || address === '') throw this.error(`${this.where()}: missing "address"`);
    const ttl = this.field<number>(item, 'ttl', 'number');
    const endpoint: {
      -readonly [K in keyof Endpoint]: Endpoint[K];
    } = {
      address,
      tls: this.field<boolean>(item, 'tls', 'boolean') ?? false,
      ttlSeconds: ttl !== undefined && ttl > 0 ? ttl : this.options.defaultTtlSeconds,
      tags: this.tags(item['tags']),
    };
    const protocol = this.field<string>(item, 'protocol', 'string');
    if (protocol === 'http1' || protocol === 'http2') endpoint.protocol = protocol;
    for (const [jsonName, name] of OPTIONAL_STRINGS) {
      const text = this.field<string>(item, jsonName, 'string');
      if (text !== undefined && text !== '') endpoint[name] = this.intern(text);
    }
    // Frozen: nobody can change it under the table, and a table may keep it without a defensive copy.
    return Object.freeze(endpoint);
  }

  /**
   * One copy of each distinct value: an app's GUID appears in three tags of each of its instances, org and
   * space names and GUIDs in thousands. Duplicates then die young instead of surviving into the old
   * generation, which is most of the garbage collector's cost on a 100,000-endpoint load.
   */
  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
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

  /** `"<route key>"[<index>]` of the item being read, for error messages (built only on error). */
  private where(): string {
    return `${JSON.stringify(this.currentKey)}[${this.itemIndex}]`;
  }

  private tags(raw: unknown): Readonly<Record<string, string>> {
    if (raw === undefined || raw === null) return EMPTY_TAGS;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw this.error(`${this.where()}.tags: expected an object, got ${describe(raw)}`);
    }
    // `raw` is a fresh object from JSON.parse, owned by nobody else: validate it in place rather than copy it
    // (100,000 endpoints → 100,000 fewer objects for the garbage collector).
    const tags = raw as Record<string, unknown>;
    for (const name in tags) {
      const value = tags[name];
      if (typeof value !== 'string') {
        throw this.error(`${this.where()}.tags.${name}: expected a string, got ${describe(value)}`);
      }
      tags[name] = this.intern(value);
    }
    return Object.freeze(tags as Record<string, string>);
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
