import type { Logger } from '@promfetcher/core';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A `Logger` that keeps its lines (bounded), for assertions on what is logged and what is not. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];

  constructor(private readonly limit = 10_000) {}

  debug(fields: Record<string, unknown>, message: string): void {
    this.push({ level: 'debug', fields, message });
  }
  info(fields: Record<string, unknown>, message: string): void {
    this.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.push({ level: 'error', fields, message });
  }

  /** Every line as one JSON text, for "never contains" assertions. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }

  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((line) => line.level === level);
  }

  private push(line: LogLine): void {
    if (this.lines.length < this.limit) this.lines.push(line);
  }
}
