/**
 * Misbehaving instance handlers for the fault suite, plus a strict check of a merged answer (core's parsers
 * and `promtool check metrics`) and a catch-all loopback server that records every request it receives.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOpenMetrics, parseText } from '@promfetcher/core';
import { startInstance, type InstanceHandler } from './instance-server.js';

const TEXT_CT = 'text/plain; version=0.0.4';

/** Headers, then one byte every `everyMs` until the client goes away. */
export function slowLoris(everyMs: number): InstanceHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT_CT });
    res.write('# HELP x X.\n');
    const timer = setInterval(() => res.write('#'), everyMs);
    res.once('close', () => clearInterval(timer));
  };
}

/** Part of a body, then the socket is destroyed (connection reset). */
export function resetMidBody(prefix: string): InstanceHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT_CT, 'Content-Length': String(prefix.length * 10) });
    res.write(prefix, () => res.socket?.destroy());
  };
}

/** Headers and part of a body, then silence until the client goes away. */
export function neverEnds(prefix: string): InstanceHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT_CT });
    res.write(prefix);
  };
}

/** `totalBytes` of valid-looking comment lines, streamed with back-pressure, stopped when the client leaves. */
export function hugeBody(totalBytes: number): InstanceHandler {
  const chunk = Buffer.from(`# ${'x'.repeat(65_533)}\n`);
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT_CT });
    let sent = 0;
    let closed = false;
    res.once('close', () => (closed = true));
    const pump = (): void => {
      while (!closed && sent < totalBytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  };
}

/** A redirect to `location`. */
export function redirectTo(location: string, status = 301): InstanceHandler {
  return (_req, res) => res.writeHead(status, { Location: location }).end();
}

/** Problems of a merged answer under core's strict parser for its Content-Type, and under promtool (text). */
export function strictProblems(body: string, contentType: string): string[] {
  const problems: string[] = [];
  const om = contentType.startsWith('application/openmetrics-text');
  const parsed = om ? parseOpenMetrics(body) : parseText(body);
  if (!parsed.ok) problems.push(`core parser: ${parsed.error.message}`);
  if (!om) {
    const dir = mkdtempSync(join(tmpdir(), 'fault-promtool-'));
    try {
      const file = join(dir, 'metrics.txt');
      writeFileSync(file, body);
      try {
        execFileSync('sh', ['-c', `promtool check metrics < "${file}" 2>&1`], { encoding: 'utf8' });
      } catch (e) {
        // exit 3 = lint warnings only (e.g. missing HELP); anything else is a real problem
        const status = (e as { status?: number }).status;
        if (status !== 3)
          problems.push(`promtool exit ${String(status)}: ${String((e as { stdout?: string }).stdout)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return problems;
}

export interface CatchAllServer {
  readonly address: string;
  readonly port: number;
  /** `METHOD url` of every request received, and the count of raw connections accepted. */
  readonly requests: string[];
  readonly connections: number;
  close(): Promise<void>;
}

/** An "attacker" server on 127.0.0.1:0 that answers 200 to anything and records it. */
export async function startCatchAll(): Promise<CatchAllServer> {
  const requests: string[] = [];
  const server = await startInstance((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(200, { 'Content-Type': TEXT_CT }).end('stolen 1\n');
  });
  return {
    address: server.address,
    port: server.port,
    requests,
    get connections() {
      return server.connections;
    },
    close: () => server.close(),
  };
}
