/**
 * gzip / deflate of answers, negotiated from `Accept-Encoding` (q-values honoured, `identity` otherwise).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Context } from 'koa';
import { MIN_COMPRESS_BYTES } from '../defaults.js';

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

export type ContentCoding = 'gzip' | 'deflate' | 'identity';

export function negotiateEncoding(acceptEncoding: string | undefined): ContentCoding {
  if (acceptEncoding === undefined) return 'identity';
  let best: ContentCoding = 'identity';
  let bestQ = 0;
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = (rawName ?? '').trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q') q = Number(v?.trim());
    }
    if (!Number.isFinite(q) || q <= bestQ) continue;
    const coding: ContentCoding | undefined =
      name === 'gzip' || name === 'x-gzip' || name === '*'
        ? 'gzip'
        : name === 'deflate'
          ? 'deflate'
          : undefined;
    if (coding === undefined) continue;
    best = coding;
    bestQ = q;
  }
  return best;
}

/**
 * Sets `ctx.body` to `body` (a string, or UTF-8 bytes as the fast path writes them), compressed when the
 * caller accepts it and it is worth it.
 */
export async function sendCompressed(ctx: Context, body: string | Buffer, level: number): Promise<void> {
  ctx.vary('Accept-Encoding');
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const coding =
    raw.length < MIN_COMPRESS_BYTES ? 'identity' : negotiateEncoding(ctx.get('Accept-Encoding') || undefined);
  if (coding === 'identity') {
    ctx.body = raw;
    return;
  }
  ctx.body = coding === 'gzip' ? await gzip(raw, { level }) : await deflate(raw, { level });
  ctx.set('Content-Encoding', coding);
}
