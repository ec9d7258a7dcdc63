/** A small OSB client over real HTTP (global fetch), with knobs to break each part of a request. */
export interface OsbCall {
  readonly body?: unknown;
  /** Sent as is instead of `JSON.stringify(body)`. */
  readonly rawBody?: string;
  /** `false`: no Authorization header; a pair: these credentials. Default: the right ones. */
  readonly auth?: false | readonly [string, string];
  /** `false`: no X-Broker-API-Version header. Default `2.17`. */
  readonly version?: false | string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OsbAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export class OsbClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: readonly [string, string],
  ) {}

  async call(method: string, path: string, options: OsbCall = {}): Promise<OsbAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth ?? this.credentials;
    if (auth !== false)
      headers['Authorization'] = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
    const version = options.version ?? '2.17';
    if (version !== false) headers['X-Broker-API-Version'] = version;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
}
