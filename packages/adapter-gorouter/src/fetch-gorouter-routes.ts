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
  /**
   * Reads the body with this parser instead of a fresh one (`defaultTtlSeconds` is then the parser's own): a
   * poller gives one with `previous` and `onEntry` to reuse unchanged endpoints and build its table as it reads.
   */
  readonly parser?: RoutesBodyParser;
}

/**
 * The body is parsed in pieces, the time budget checked after each. A piece is sized from the speed measured
 * on the previous ones to take about `PIECE_MS`: on a first poll the parser's code is not optimized yet and
 * parses ten times slower, so a fixed 64 KB piece alone would take over 10 ms.
 */
const FIRST_PIECE_BYTES = 1024;
const SMALLEST_PIECE_BYTES = 512;
const LARGEST_PIECE_BYTES = 64 * 1024;
const PIECE_MS = 1;

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
      const parser = options.parser ?? new RoutesBodyParser({ defaultTtlSeconds: options.defaultTtlSeconds });
      let bytes = 0;
      let sliceStart = performance.now();
      /**
       * Parses `data` piece by piece until done (true) or past the slice budget (false: the rest is left in
       * `unread` for the next turn of the event loop). Pieces bound the time between two budget checks, even
       * when the parser is not yet optimized or a socket read is large.
       */
      let unread: Buffer | undefined;
      let pieceBytes = FIRST_PIECE_BYTES;
      const feed = (data: Buffer): boolean => {
        let at = 0;
        while (at < data.length) {
          const pieceStart = performance.now();
          const start = at;
          const end = Math.min(at + pieceBytes, data.length);
          parser.writeBytes(at === 0 && end === data.length ? data : data.subarray(at, end));
          at = end;
          const now = performance.now();
          const bytesPerMs = (end - start) / Math.max(now - pieceStart, 0.05);
          pieceBytes = Math.min(
            LARGEST_PIECE_BYTES,
            Math.max(SMALLEST_PIECE_BYTES, Math.floor(bytesPerMs * PIECE_MS)),
          );
          if (now - sliceStart > options.sliceMs) {
            if (at < data.length) unread = data.subarray(at);
            return false;
          }
        }
        return true;
      };
      const feedOrFail = (data: Buffer): boolean | undefined => {
        try {
          return feed(data);
        } catch (error) {
          settle(PromfetcherError.is(error) ? withUrl(error, url) : fail('unreadable body', error));
          return undefined;
        }
      };
      // The response stays paused while `unread` is not empty; see 'end' below for the last chunk.
      const next = (): void => {
        if (settled) return;
        sliceStart = performance.now();
        const rest = unread;
        unread = undefined;
        if (rest !== undefined && feedOrFail(rest) !== true) {
          if (!settled) setImmediate(next);
          return;
        }
        if (ended) finish();
        else response.resume();
      };
      response.on('data', (data: Buffer) => {
        if (settled) return;
        bytes += data.length;
        if (bytes > options.maxBodyBytes) {
          settle(fail(`body larger than ${options.maxBodyBytes} bytes`));
          return;
        }
        // Bytes straight from the socket: no 64 KB string per chunk (the parser decodes only what it keeps).
        // The socket may deliver many chunks in one event-loop turn: past the slice budget, let the loop breathe.
        if (feedOrFail(data) === false) {
          response.pause();
          setImmediate(next);
        }
      });
      const finish = (): void => {
        if (settled) return;
        try {
          settle(undefined, parser.end());
        } catch (error) {
          settle(PromfetcherError.is(error) ? withUrl(error, url) : fail('unreadable body', error));
        }
      };
      // 'end' can come while bytes of the last chunk still wait in `unread` (pausing in a 'data' handler does
      // not hold back 'end' once the stream itself is empty): then `next` finishes after parsing them.
      let ended = false;
      response.on('end', () => {
        ended = true;
        if (unread === undefined) finish();
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
