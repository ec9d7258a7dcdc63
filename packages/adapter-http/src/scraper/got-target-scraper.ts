/**
 * `TargetScraper` on got 14: one GET per app instance or exporter, over shared keep-alive pools.
 *
 * - Pools: one `http.Agent` and one `https.Agent` for the scraper's life (the Go original built a transport
 *   per scrape, spec §5 item 14). Pools are per address and, for https, per verified name, so a socket
 *   verified for one instance is never reused for another.
 * - TLS: the CA bundle is added to Node's bundled roots; the client certificate is sent when configured;
 *   the certificate is checked against `target.serverName` (`server_cert_domain_san`), not against the
 *   address or the Host header; `skipTlsVerification` turns verification off.
 * - Body: decompressed by got (gzip, deflate, br); counted after decompression and cut off past
 *   `maxBodyBytes` (reason `body_too_large`, also for a gzip bomb).
 * - Redirects: followed once, and only to the same origin (scheme, host, port); any other → `redirect`.
 * - Deadline: `request.timeoutMs` covers waiting for a permit of the global bound, connecting and reading
 *   the whole body; `request.signal` aborts at once. Both give `timeout`.
 * - Never throws for an expected failure: every error becomes `{ ok: false, error: ScrapeError }`.
 */
import { isUtf8 } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { err, ok, ScrapeError, stripUserinfo } from '@promfetcher/core';
import type { Result, ScrapedBody, ScrapeRequest, TargetScraper } from '@promfetcher/core';
import got, { type Response } from 'got';
import {
  DEFAULT_IDLE_SOCKET_TIMEOUT_MS,
  DEFAULT_MAX_BODY_SIZE_BYTES,
  DEFAULT_MAX_CONCURRENT_SCRAPES,
  DEFAULT_MAX_FREE_SOCKETS_PER_HOST,
  DEFAULT_MAX_SOCKETS_PER_HOST,
} from '../defaults.js';
import {
  BodyTooLargeError,
  RefusedRedirectError,
  scrapeErrorForStatus,
  scrapeErrorFromGot,
} from './scrape-error-from-got.js';
import { Semaphore } from './semaphore.js';

export interface GotTargetScraperOptions {
  /** Largest body accepted, after decompression. */
  readonly maxBodyBytes: number;
  /** Global bound on concurrent requests to instances and exporters. */
  readonly maxConcurrentScrapes: number;
  /** Sockets per instance address. */
  readonly maxSocketsPerHost: number;
  /** Idle keep-alive sockets kept per instance address. */
  readonly maxFreeSocketsPerHost: number;
  readonly idleSocketTimeoutMs: number;
  /** False: one connection per scrape (`disable_keep_alives`). */
  readonly keepAlive: boolean;
  /** PEM CA certificates added to the bundled roots (`ca_certs`). */
  readonly caCerts?: string;
  /** PEM client certificate chain and key for TLS instances (`backends.cert_chain` / `private_key`). */
  readonly clientCert?: { readonly certChain: string; readonly privateKey: string };
  /** `skip_ssl_validation`: accept any certificate. */
  readonly skipTlsVerification: boolean;
  /** Sent when the request headers carry no User-Agent. */
  readonly userAgent: string;
}

export const DEFAULT_GOT_TARGET_SCRAPER_OPTIONS: GotTargetScraperOptions = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_BODY_SIZE_BYTES,
  maxConcurrentScrapes: DEFAULT_MAX_CONCURRENT_SCRAPES,
  maxSocketsPerHost: DEFAULT_MAX_SOCKETS_PER_HOST,
  maxFreeSocketsPerHost: DEFAULT_MAX_FREE_SOCKETS_PER_HOST,
  idleSocketTimeoutMs: DEFAULT_IDLE_SOCKET_TIMEOUT_MS,
  keepAlive: true,
  skipTlsVerification: false,
  userAgent: 'promfetcher',
});

/** Marks promfetcher's own requests, as the original does (loop detection, issue 7). */
export const SCRAPING_MARKER_HEADER = 'X-Promfetcher-Scrapping';

const MAX_REDIRECTS = 1;

export class GotTargetScraper implements TargetScraper {
  private readonly options: GotTargetScraperOptions;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly permits: Semaphore;

  constructor(options: Partial<GotTargetScraperOptions> = {}) {
    this.options = { ...DEFAULT_GOT_TARGET_SCRAPER_OPTIONS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.maxBodyBytes) || o.maxBodyBytes < 1) {
      throw new RangeError(`maxBodyBytes must be a positive integer, got ${String(o.maxBodyBytes)}`);
    }
    this.permits = new Semaphore(o.maxConcurrentScrapes);
    const pool = {
      keepAlive: o.keepAlive,
      maxSockets: o.maxSocketsPerHost,
      maxTotalSockets: Math.max(o.maxConcurrentScrapes, o.maxSocketsPerHost),
      maxFreeSockets: o.maxFreeSocketsPerHost,
      timeout: o.idleSocketTimeoutMs,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new http.Agent(pool);
    // One secure context for every TLS connection: the CA list is not rebuilt (nor hashed into the pool
    // name) per request.
    const secureContext = tls.createSecureContext({
      ...(o.caCerts === undefined ? {} : { ca: [...tls.rootCertificates, o.caCerts] }),
      ...(o.clientCert === undefined ? {} : { cert: o.clientCert.certChain, key: o.clientCert.privateKey }),
    });
    this.httpsAgent = new https.Agent({ ...pool, secureContext, rejectUnauthorized: !o.skipTlsVerification });
  }

  /** Requests holding or waiting for a permit of the global bound. */
  get load(): { readonly active: number; readonly waiting: number } {
    return { active: this.permits.inUse, waiting: this.permits.waiting };
  }

  async scrape(request: ScrapeRequest): Promise<Result<ScrapedBody, ScrapeError>> {
    const started = performance.now();
    const target = stripUserinfo(request.target.url);
    if (!(request.timeoutMs > 0)) return err(new ScrapeError('timeout', target, 'no time left'));
    const deadline = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal]);
    const release = await this.permits.acquire(signal);
    if (release === undefined) {
      return err(new ScrapeError('timeout', target, 'deadline passed while waiting for a connection permit'));
    }
    try {
      let url = new URL(request.target.url);
      for (let hop = 0; ; hop++) {
        const remainingMs = request.timeoutMs - (performance.now() - started);
        if (remainingMs <= 0 || signal.aborted)
          return err(new ScrapeError('timeout', target, 'deadline passed'));
        const outcome = await this.fetchOnce(url, request, remainingMs, signal);
        if (outcome.kind === 'body') {
          return ok(scrapedBody(outcome.bytes, outcome.contentType, performance.now() - started));
        }
        if (outcome.kind === 'status') return err(scrapeErrorForStatus(outcome.status, target));
        if (outcome.kind === 'not-utf8')
          return err(new ScrapeError('parse', target, 'the body is not valid UTF-8'));
        const next = new URL(outcome.location, url);
        if (next.origin !== url.origin) {
          throw new RefusedRedirectError(
            `redirect to another host (${next.protocol}//${next.host}) refused: give metric_path with the direct endpoint`,
          );
        }
        if (hop >= MAX_REDIRECTS) throw new RefusedRedirectError(`more than ${MAX_REDIRECTS} redirect`);
        url = next;
      }
    } catch (error) {
      if (
        signal.aborted &&
        !(error instanceof BodyTooLargeError) &&
        !(error instanceof RefusedRedirectError)
      ) {
        return err(new ScrapeError('timeout', target, 'deadline passed', { cause: error }));
      }
      return err(scrapeErrorFromGot(error, target));
    } finally {
      release();
    }
  }

  /** Closes every pooled socket; idempotent. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private fetchOnce(
    url: URL,
    request: ScrapeRequest,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<
    | { readonly kind: 'body'; readonly bytes: Buffer; readonly contentType: string | undefined }
    | { readonly kind: 'not-utf8' }
    | { readonly kind: 'status'; readonly status: number }
    | { readonly kind: 'redirect'; readonly location: string }
  > {
    const { target } = request;
    const headers: Record<string, string> = {};
    let hasUserAgent = false;
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'accept-encoding') continue;
      if (lower === 'user-agent') hasUserAgent = true;
      headers[lower] = value;
    }
    if (!hasUserAgent) headers['user-agent'] = this.options.userAgent;
    headers['host'] = target.hostHeader;
    headers[SCRAPING_MARKER_HEADER.toLowerCase()] = 'true';
    const serverName = target.serverName;
    const stream = got.stream(url, {
      method: 'GET',
      headers,
      agent: { http: this.httpAgent, https: this.httpsAgent },
      decompress: true,
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: Math.max(1, Math.ceil(timeoutMs)) },
      signal,
      https: {
        // An IP address is never sent as SNI; '' keeps Node from deriving it from the Host header.
        serverName:
          serverName !== undefined && serverName !== '' && !/^[\d.:]+$/.test(serverName) ? serverName : '',
        checkServerIdentity: (host: string, cert: tls.PeerCertificate) =>
          tls.checkServerIdentity(
            serverName !== undefined && serverName !== '' ? serverName : host || url.hostname,
            cert,
          ),
      },
    });
    const limit = this.options.maxBodyBytes;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        stream.destroy();
        reject(error);
      };
      stream.once('error', fail);
      stream.once('response', (response: Response) => {
        const status = response.statusCode;
        if (status >= 300 && status < 400 && status !== 304) {
          const location = response.headers.location;
          settled = true;
          stream.destroy();
          if (location === undefined) resolve({ kind: 'status', status });
          else resolve({ kind: 'redirect', location });
          return;
        }
        if (status < 200 || status >= 300) {
          settled = true;
          stream.destroy();
          resolve({ kind: 'status', status });
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (response.headers['content-encoding'] === undefined && declared > limit) {
          fail(new BodyTooLargeError(limit));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          if (size > limit) {
            fail(new BodyTooLargeError(limit));
            return;
          }
          chunks.push(chunk);
        });
        stream.once('end', () => {
          if (settled) return;
          settled = true;
          // got streams are not auto-destroyed: only destroy() removes got's 'abort' listener from `signal`,
          // and Node keeps an AbortSignal.any() signal alive while it has one, with this request, its
          // response and its body (a leak of every scrape, measured by test/soak.e2e.test.ts). The socket
          // has already gone back to the keep-alive pool.
          stream.destroy();
          const contentType = response.headers['content-type'];
          // Both formats are UTF-8; invalid bytes are a parse failure, never silently replaced by U+FFFD.
          const bytes = Buffer.concat(chunks, size);
          if (!isUtf8(bytes)) {
            resolve({ kind: 'not-utf8' });
            return;
          }
          resolve({ kind: 'body', bytes, contentType });
        });
      });
    });
  }
}

/**
 * The body as the fast path reads it (valid UTF-8 bytes) and, for the model path, as a string decoded only
 * when first read.
 */
function scrapedBody(raw: Buffer, contentType: string | undefined, durationMs: number): ScrapedBody {
  // A UTF-8 byte order mark is dropped, as TextDecoder does.
  const bytes = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.subarray(3) : raw;
  let body: string | undefined;
  return {
    get body(): string {
      return (body ??= bytes.toString('utf8'));
    },
    bytes,
    ...(contentType === undefined ? {} : { contentType }),
    durationMs,
  };
}
