/**
 * A throwaway PKI for TLS tests, made with the `openssl` CLI in a temp dir: a CA, a server certificate
 * whose only SAN is the given instance GUID (as Diego issues them), and a client certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** openssl arguments for a new unencrypted P-256 key. */
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTestPki(serverSan: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-pki-'));
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  try {
    ssl(
      'req',
      '-x509',
      ...NEW_EC_KEY,
      '-days',
      '2',
      '-subj',
      '/CN=promfetcher test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const leaf = (name: string, ext: string): void => {
      ssl('req', ...NEW_EC_KEY, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      writeFileSync(join(dir, `${name}.ext`), ext);
      ssl(
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
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      );
    };
    leaf('server', `subjectAltName=DNS:${serverSan}\nextendedKeyUsage=serverAuth\n`);
    leaf('client', 'extendedKeyUsage=clientAuth\n');
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    return {
      caCert: read('ca.pem'),
      serverCert: read('server.pem'),
      serverKey: read('server.key'),
      clientCert: read('client.pem'),
      clientKey: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for `/CN=<cn>` with `subjectAltName` (e.g. `IP:127.0.0.1`), valid one day. */
export function makeSelfSignedCert(
  cn: string,
  subjectAltName: string,
): { readonly cert: string; readonly key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...NEW_EC_KEY,
        '-days',
        '1',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=${subjectAltName}`,
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
