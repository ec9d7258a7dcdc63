/** What the process does on a signal. */
export interface SignalHandlers {
  /** SIGINT, SIGTERM, SIGQUIT: graceful shutdown. */
  shutdown(signal: NodeJS.Signals): void;
  /** SIGUSR1 (the BOSH drain script): health 503 for good, then a graceful shutdown. */
  drain(signal: NodeJS.Signals): void;
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT'];
export const DRAIN_SIGNAL: NodeJS.Signals = 'SIGUSR1';

interface SignalTarget {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Installs exactly one listener per signal, all feeding one dispatcher, so that no signal is consumed by
 * anything else (the Go original shared one channel between two readers, spec §5.21). Returns the uninstaller.
 */
export function installSignalHandlers(target: SignalTarget, handlers: SignalHandlers): () => void {
  const listener = (signal: NodeJS.Signals): void => {
    if (signal === DRAIN_SIGNAL) handlers.drain(signal);
    else handlers.shutdown(signal);
  };
  const signals = [...SHUTDOWN_SIGNALS, DRAIN_SIGNAL];
  for (const signal of signals) target.on(signal, listener);
  return () => {
    for (const signal of signals) target.off(signal, listener);
  };
}
