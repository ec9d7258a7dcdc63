import { ExpositionParseError } from '../errors.js';
import type { Exposition } from './model.js';
import { type LineHandler, LineStream, parseWhole } from './scan-lines.js';

/** Records lines; throws a non-parse error on a line `boom` (a bug stand-in). */
class Recorder implements LineHandler {
  lineNo = 0;
  readonly lines: string[] = [];
  line(s: string, start: number, end: number): void {
    this.lineNo++;
    const text = s.slice(start, end);
    if (text === 'boom') throw new TypeError('bug');
    this.lines.push(text);
  }
  finish(s: string, start: number, end: number): Exposition {
    if (start < end) this.lines.push(`rest:${s.slice(start, end)}`);
    return { families: [] };
  }
}

describe('parseWhole / LineStream', () => {
  it('hands over complete lines and the unterminated rest', () => {
    const whole = new Recorder();
    parseWhole(whole, 'a\n\nb\nc');
    const streamed = new Recorder();
    const stream = new LineStream(streamed);
    for (const chunk of ['a', '\n', '\nb', '\nc']) stream.push(chunk);
    stream.end();
    expect(whole.lines).toEqual(['a', '', 'b', 'rest:c']);
    expect(streamed.lines).toEqual(whole.lines);
  });

  it('wraps an unexpected error as an internal parse error with its cause and line', () => {
    const r = parseWhole(new Recorder(), 'a\nboom\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(ExpositionParseError);
    expect(r.error.line).toBe(2);
    expect(r.error.reason).toBe('internal parser error');
    expect(r.error.cause).toBeInstanceOf(TypeError);

    const stream = new LineStream(new Recorder());
    stream.push('boom\n');
    const s = stream.end();
    expect(!s.ok && s.error.reason).toBe('internal parser error');
  });
});
