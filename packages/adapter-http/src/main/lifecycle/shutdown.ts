import type { Logger } from '@promfetcher/core';

/** One step of the shutdown, run in order. */
export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

export interface ShutdownOptions {
  readonly steps: readonly ShutdownStep[];
  /** A step still running this long after the start is abandoned: exit with 1 (the steps bound themselves). */
  readonly abandonAfterMs: number;
  readonly logger: Logger;
  /** Called once, at the end: 0 after the steps ran, 1 when they had to be abandoned. */
  readonly exit: (code: number) => void;
}

/**
 * The graceful shutdown (spec §3.1, fixed per §5.21): the first `begin` runs every step in order (stop
 * accepting and finish in-flight requests — the listener destroys what is left at its hard deadline — stop the
 * route source, close the store, close the health listener); later calls only log. A failing step is logged
 * and the next one still runs.
 */
export class Shutdown {
  private started: Promise<void> | undefined;

  constructor(private readonly options: ShutdownOptions) {}

  get inProgress(): boolean {
    return this.started !== undefined;
  }

  begin(reason: string): Promise<void> {
    if (this.started !== undefined) {
      this.options.logger.warn({ reason }, 'shutdown already in progress');
      return this.started;
    }
    this.options.logger.info({ reason }, 'shutting down');
    this.started = this.run();
    return this.started;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let current = '';
    let exited = false;
    const timer = setTimeout(() => {
      exited = true;
      logger.error(
        { step: current, abandonAfterMs: this.options.abandonAfterMs },
        'shutdown step hangs: exiting',
      );
      this.options.exit(1);
    }, this.options.abandonAfterMs);
    timer.unref();
    for (const step of this.options.steps) {
      current = step.name;
      try {
        await step.run();
      } catch (error) {
        logger.error({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    if (exited) return;
    logger.info({}, 'stopped');
    this.options.exit(0);
  }
}
