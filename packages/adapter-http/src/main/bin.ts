#!/usr/bin/env node
import 'reflect-metadata';
import { main } from './main.js';

/** The `promfetcher` command. Everything else lives in `main()` (the composition root). */
main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  exit: (code) => process.exit(code),
}).then(
  (code) => {
    // A code means the process is done (help, version, a config error, a failed start): exit now, without
    // waiting for a connection or timer that the failed start may have left behind.
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `promfetcher: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
