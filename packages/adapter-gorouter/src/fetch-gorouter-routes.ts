import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { PromfetcherError } from '@promfetcher/core';
import { RoutesBodyParser } from './routes-body-parser.js';
import type { RoutesBodyEntry } from './routes-body-parser.js';

/** One gorouter to poll (the derived form of a `gorouters:` item). */
export interface GorouterTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  /** Present → https. `ca` replaces the system roots; `skipVerify` turns verification off. */
  readonly tls?: { readonly ca?: string; readonly skipVerify: boolean };
}

export interface FetchGorouterRoutesOptions {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly defaultTtlSeconds: number;
  /** Body parsing pauses the response and yields to the event loop after this much CPU time (ms). */
  readonly sliceMs: number;
  readonly signal?: AbortSignal;
}

/** `http(s)://host:port/routes`, never with credentials: safe for logs and errors. */
export function gorouterRoutesUrl(target: GorouterTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.tls === undefined ? 'http' : 'https'}://${host}:${target.port}/routes`;
}

/**
 * GETs one gorouter's `/routes` with basic auth and reads the body incrementally as it arrives, pausing the
 * response to yield to the event loop every `sliceMs` of parsing. Rejects with a `PF_ROUTES` error naming the URL (never the credentials) on any network
 * error, timeout (`timeoutMs` covers the whole exchange), non-200 status, oversize, malformed or truncated body.
 */
export function fetchGorouterRoutes(
  target: GorouterTarget,
  options: FetchGorouterRoutesOptions,
): Promise<RoutesBodyEntry[]> {
  const url = gorouterRoutesUrl(target);
  const fail = (message: string, cause?: unknown): PromfetcherError =>
    new PromfetcherError('PF_ROUTES', `${url}: ${message}`, cause === undefined ? undefined : { cause });

  return new Promise<RoutesBodyEntry[]>((resolve, reject) => {
    let settled = false;
    const settle = (error: PromfetcherError | undefined, entries?: RoutesBodyEntry[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        request.destroy();
        reject(error);
      } else {
        resolve(entries ?? []);
      }
    };
    const onAbort = (): void => settle(fail('poll aborted (source stopped)'));

    const requestOptions: https.RequestOptions = {
      host: target.host,
      port: target.port,
      path: '/routes',
      method: 'GET',
      headers: {
        // gorouter needs the header even with empty credentials (spec §1.1).
        authorization: `Basic ${Buffer.from(`${target.user}:${target.pass}`).toString('base64')}`,
        accept: 'application/json',
      },
      agent: false,
    };
    if (target.tls !== undefined) {
      if (target.tls.ca !== undefined) requestOptions.ca = target.tls.ca;
      requestOptions.rejectUnauthorized = !target.tls.skipVerify;
    }
    const request = (target.tls === undefined ? http : https).request(requestOptions, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        const hint = status === 401 ? ' (wrong user/pass for this gorouter)' : '';
        settle(fail(`HTTP ${status}${hint}`));
        return;
      }
      const parser = new RoutesBodyParser({ defaultTtlSeconds: options.defaultTtlSeconds });
      let bytes = 0;
      let sliceStart = performance.now();
      const resume = (): void => {
        sliceStart = performance.now();
        if (!settled) response.resume();
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (settled) return;
        bytes += Buffer.byteLength(chunk);
        if (bytes > options.maxBodyBytes) {
          settle(fail(`body larger than ${options.maxBodyBytes} bytes`));
          return;
        }
        try {
          parser.write(chunk);
        } catch (error) {
          settle(PromfetcherError.is(error) ? withUrl(error, url) : fail('unreadable body', error));
          return;
        }
        // The socket may deliver many chunks in one event-loop turn: past the slice budget, let the loop breathe.
        if (performance.now() - sliceStart > options.sliceMs) {
          response.pause();
          setImmediate(resume);
        }
      });
      response.on('end', () => {
        if (settled) return;
        try {
          settle(undefined, parser.end());
        } catch (error) {
          settle(PromfetcherError.is(error) ? withUrl(error, url) : fail('unreadable body', error));
        }
      });
      response.on('error', (error) => settle(fail(`body interrupted: ${error.message}`, error)));
      response.on('close', () => {
        if (!response.complete) settle(fail('connection closed before the body ended (truncated)'));
      });
    });
    const deadline = setTimeout(
      () => settle(fail(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on('error', (error) => settle(fail(error.message, error)));
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    request.end();
  });
}

function withUrl(error: PromfetcherError, url: string): PromfetcherError {
  return new PromfetcherError('PF_ROUTES', `${url}: ${error.message}`, { cause: error });
}
