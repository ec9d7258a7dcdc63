/**
 * The client side of the soak test: `clients` closed-loop keep-alive clients (one node:http Agent, one socket
 * each) send requests `from`..`to` of a fixed plan; every answer is handed to a checker. Loopback only; every
 * request has a deadline and the loop a bound (the plan's length).
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface SoakAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly contentEncoding: string;
  /** Decoded (gunzipped when the answer was gzip). */
  readonly body: string;
}

export interface SoakRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A keep-alive agent that keeps one socket per client. */
export function soakAgent(clients: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
}

/** One GET through `agent`; rejects after `timeoutMs`. */
export function soakGet(
  base: string,
  request: SoakRequest,
  agent: http.Agent,
  timeoutMs: number,
): Promise<SoakAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${base}${request.path}`,
      { agent, headers: request.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const contentEncoding = String(res.headers['content-encoding'] ?? '');
          try {
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              contentEncoding,
              body: (contentEncoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface SoakPhase {
  readonly answers: number;
  /** Network errors and checker failures, by message (first few kept verbatim). */
  readonly failures: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
}

/**
 * Sends requests `from` (inclusive) to `to` (exclusive) of `plan(i)` with `clients` concurrent clients and
 * waits until all have been answered. `check(i, answer)` returns a problem description, or undefined.
 */
export async function runSoakPhase(options: {
  readonly base: string;
  readonly agent: http.Agent;
  readonly clients: number;
  readonly from: number;
  readonly to: number;
  readonly plan: (i: number) => SoakRequest;
  readonly check: (i: number, answer: SoakAnswer) => string | undefined;
  readonly timeoutMs: number;
}): Promise<SoakPhase> {
  const failures: Record<string, number> = {};
  const fail = (what: string): void => {
    failures[what] = (failures[what] ?? 0) + 1;
  };
  let next = options.from;
  let answers = 0;
  const started = performance.now();
  const client = async (): Promise<void> => {
    while (next < options.to) {
      const i = next++;
      try {
        const answer = await soakGet(options.base, options.plan(i), options.agent, options.timeoutMs);
        answers++;
        const problem = options.check(i, answer);
        if (problem !== undefined) fail(problem);
      } catch (error) {
        fail(`request error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, () => client()));
  return { answers, failures, elapsedMs: performance.now() - started };
}
