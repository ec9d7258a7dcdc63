import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway CA, a server certificate for 127.0.0.1 (and `localhost`: nats.js 2.x checks an IP-addressed
 * server under that name) and a client certificate, as PEM text and files.
 */
export interface TlsMaterial {
  readonly dir: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** Removes the directory. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Generates the material with `openssl` into a temporary directory (EC P-256 keys: fast). */
export function makeTlsMaterial(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-tls-'));
  const key = (name: string): void =>
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name]);
  key('ca.key');
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=promfetcher test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
  ]);
  const leaf = (name: string, subject: string, extensions: string): void => {
    key(`${name}.key`);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  };
  leaf('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/CN=promfetcher', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    caFile: join(dir, 'ca.pem'),
    serverCertPem: read('server.pem'),
    serverKeyPem: read('server.key'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertPem: read('client.pem'),
    clientKeyPem: read('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
