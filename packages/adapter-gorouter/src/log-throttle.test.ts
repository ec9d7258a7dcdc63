import type { Logger } from '@promfetcher/core';
import { ManualClock } from '@promfetcher/core/testing';
import { LogThrottle } from './log-throttle.js';

function recorder(): { logger: Logger; lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push([level, fields, message]);
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('LogThrottle', () => {
  it('logs one line per key per interval, then says how many were suppressed', () => {
    const clock = new ManualClock(0);
    const { logger, lines } = recorder();
    const throttle = new LogThrottle(logger, clock, 10_000);
    for (let i = 0; i < 5; i++) throttle.log('warn', 'wrong-type', { i }, 'rejected');
    throttle.log('debug', 'other', {}, 'other key');
    expect(lines).toEqual([
      ['warn', { i: 0 }, 'rejected'],
      ['debug', {}, 'other key'],
    ]);
    clock.advance(9_999);
    throttle.log('warn', 'wrong-type', { i: 5 }, 'rejected');
    expect(lines).toHaveLength(2);
    clock.advance(1);
    throttle.log('warn', 'wrong-type', { i: 6 }, 'rejected');
    expect(lines[2]).toEqual(['warn', { i: 6, suppressedSinceLastLine: 5 }, 'rejected']);
    clock.advance(10_000);
    throttle.log('error', 'wrong-type', {}, 'again');
    expect(lines[3]).toEqual(['error', {}, 'again']);
  });
});
