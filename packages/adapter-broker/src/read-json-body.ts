import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { OsbError } from './osb-error.js';

/** The largest OSB request body read (bodies are a few hundred bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request's JSON object body. If a body parser mounted before the broker already consumed the stream
 * (`ctx.request.body` set), its result is used; otherwise the stream is read with `readJsonObject`.
 */
export async function requestJsonObject(ctx: Context): Promise<Record<string, unknown>> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed === undefined) return readJsonObject(ctx.req);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw OsbError.badRequest('request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads a request body as a JSON object. An empty body is `{}`; invalid JSON or a non-object → 400; a body
 * over `MAX_BODY_BYTES` → 413.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new OsbError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw OsbError.badRequest('request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw OsbError.badRequest('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
