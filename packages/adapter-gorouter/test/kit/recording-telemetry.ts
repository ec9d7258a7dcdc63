import type { MessageRejectReason, RouteSourceTelemetry } from '../../src/route-source-telemetry.js';

/** A `RouteSourceTelemetry` that counts what it is told, for assertions. */
export class RecordingTelemetry implements RouteSourceTelemetry {
  pollFailures = 0;
  readonly tableUpdates: { source: string; atMs: number; endpoints: number }[] = [];
  readonly rejected = new Map<MessageRejectReason, number>();
  registers = 0;
  unregisters = 0;
  prunedTotal = 0;

  pollFailed(): void {
    this.pollFailures++;
  }

  tableUpdated(source: string, atMs: number, endpoints: number): void {
    this.tableUpdates.push({ source, atMs, endpoints });
    if (this.tableUpdates.length > 10) this.tableUpdates.shift();
  }

  messageRejected(reason: MessageRejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  messageApplied(kind: 'register' | 'unregister'): void {
    if (kind === 'register') this.registers++;
    else this.unregisters++;
  }

  pruned(count: number): void {
    this.prunedTotal += count;
  }

  get rejectedTotal(): number {
    return [...this.rejected.values()].reduce((a, b) => a + b, 0);
  }
}
