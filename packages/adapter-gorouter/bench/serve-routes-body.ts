/**
 * Child process of routes-load.bench.ts: builds the body and serves it from a fake gorouter, so that neither
 * the 2–5 s of body building nor the serving side runs in the process whose event loop is measured.
 * Sends `{ port, bytes }` to the parent over IPC and stops when the parent disconnects.
 */
import { startFakeGorouter } from '../test/kit/fake-gorouter.js';
import { buildBody } from './routes-body.js';

const endpoints = Number(process.argv[2] ?? 100_000);
const body = buildBody(endpoints);
const fake = await startFakeGorouter({ user: 'u', pass: 'p' });
fake.setBody(body);
process.send?.({ port: fake.port, bytes: Buffer.byteLength(body) });
process.on('disconnect', () => {
  void fake.close().then(() => process.exit(0));
});
