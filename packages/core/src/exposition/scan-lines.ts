/**
 * Line framing shared by both parsers, for a whole string or for streamed chunks. A `LineHandler` sees
 * complete lines only (a line never spans two calls), so the string parser and the streaming parser run
 * the very same state machine and give identical results.
 */
import { ExpositionParseError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { Exposition } from './model.js';

export interface LineHandler {
  /** The 1-based number of the last line handled (for errors raised outside any line). */
  readonly lineNo: number;
  /** One complete line, `s[start, end)`, without its LF. Throws `ExpositionParseError` on bad input. */
  line(s: string, start: number, end: number): void;
  /** The end of input; `s[start, end)` is the unterminated last line (empty when the input ended with LF). */
  finish(s: string, start: number, end: number): Exposition;
}

/** Runs a handler over a whole string. Never throws. */
export function parseWhole(handler: LineHandler, input: string): Result<Exposition, ExpositionParseError> {
  try {
    let start = 0;
    for (;;) {
      const nl = input.indexOf('\n', start);
      if (nl < 0) break;
      handler.line(input, start, nl);
      start = nl + 1;
    }
    return ok(handler.finish(input, start, input.length));
  } catch (e) {
    return err(toParseError(e, handler.lineNo));
  }
}

/** Feeds streamed chunks to a handler; lines may be split across chunks. Never throws. */
export class LineStream {
  private rest = '';
  private failure: ExpositionParseError | undefined;
  private done = false;

  constructor(private readonly handler: LineHandler) {}

  push(chunk: string): void {
    if (this.failure !== undefined || this.done) return;
    const nl = chunk.lastIndexOf('\n');
    if (nl < 0) {
      this.rest += chunk;
      return;
    }
    const text = this.rest.length === 0 ? chunk : this.rest + chunk;
    const last = this.rest.length + nl;
    try {
      let start = 0;
      while (start <= last) {
        const end = text.indexOf('\n', start);
        this.handler.line(text, start, end);
        start = end + 1;
      }
      this.rest = text.slice(last + 1);
    } catch (e) {
      this.failure = toParseError(e, this.handler.lineNo);
      this.rest = '';
    }
  }

  end(): Result<Exposition, ExpositionParseError> {
    if (this.done) return err(new ExpositionParseError(this.handler.lineNo, 'parser already ended'));
    this.done = true;
    if (this.failure !== undefined) return err(this.failure);
    try {
      return ok(this.handler.finish(this.rest, 0, this.rest.length));
    } catch (e) {
      return err(toParseError(e, this.handler.lineNo));
    }
  }
}

function toParseError(e: unknown, line: number): ExpositionParseError {
  if (e instanceof ExpositionParseError) return e;
  return new ExpositionParseError(Math.max(line, 1), 'internal parser error', { cause: e });
}
