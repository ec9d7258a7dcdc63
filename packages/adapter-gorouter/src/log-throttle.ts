import type { Clock, Logger } from '@promfetcher/core';

/**
 * Rate-limits a repeated log line per key: at most one line per `intervalMs`; the next line that passes says how
 * many were suppressed. Used for malformed NATS messages, where a misbehaving publisher could flood the log.
 */
export class LogThrottle {
  private readonly lastLoggedMs = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  log(
    level: 'debug' | 'warn' | 'error',
    key: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    const now = this.clock.now();
    const last = this.lastLoggedMs.get(key);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(key) ?? 0;
    this.lastLoggedMs.set(key, now);
    this.suppressed.delete(key);
    this.logger[level](suppressed > 0 ? { ...fields, suppressedSinceLastLine: suppressed } : fields, message);
  }
}
