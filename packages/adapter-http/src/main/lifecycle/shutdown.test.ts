import { EventEmitter } from 'node:events';
import { silentLogger } from '@promfetcher/core';
import { Shutdown } from './shutdown.js';
import { installSignalHandlers } from './signals.js';

describe('Shutdown', () => {
  it('runs every step once, in order, even when one fails, then exits 0', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const exit = (code: number): void => void exits.push(code);
    const shutdown = new Shutdown({
      logger: silentLogger,
      abandonAfterMs: 10_000,
      exit,
      steps: [
        { name: 'a', run: async () => void order.push('a') },
        {
          name: 'b',
          run: async () => {
            order.push('b');
            throw new Error('boom');
          },
        },
        { name: 'c', run: async () => void order.push('c') },
      ],
    });
    const first = shutdown.begin('SIGTERM');
    const second = shutdown.begin('SIGINT');
    expect(shutdown.inProgress).toBe(true);
    await Promise.all([first, second]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when a step hangs past the bound', async () => {
    const exits: number[] = [];
    const exit = (code: number): void => void exits.push(code);
    const shutdown = new Shutdown({
      logger: silentLogger,
      abandonAfterMs: 20,
      exit,
      steps: [{ name: 'hangs', run: () => new Promise<void>(() => undefined) }],
    });
    void shutdown.begin('SIGTERM');
    for (let i = 0; i < 100 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(exits).toEqual([1]);
  });
});

describe('installSignalHandlers', () => {
  it('routes each signal to one handler and uninstalls cleanly', () => {
    const target = new EventEmitter();
    const calls: string[] = [];
    const uninstall = installSignalHandlers(target, {
      shutdown: (signal) => calls.push(`shutdown:${signal}`),
      drain: (signal) => calls.push(`drain:${signal}`),
    });
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGUSR1']) target.emit(signal, signal);
    expect(calls).toEqual(['shutdown:SIGTERM', 'shutdown:SIGINT', 'shutdown:SIGQUIT', 'drain:SIGUSR1']);
    expect(target.listenerCount('SIGTERM')).toBe(1);
    uninstall();
    expect(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGUSR1'].map((s) => target.listenerCount(s))).toEqual([
      0, 0, 0, 0,
    ]);
  });
});
