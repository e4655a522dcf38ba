import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A self-signed certificate for 127.0.0.1 (the voice gateway must be `wss://`). */
export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

/** Where the throwaway certificate is cached (shared by every test process on the machine). */
export const CERT_DIR = join(tmpdir(), 'offline-discord-tls-v1');

let pending: Promise<TestCertificate> | undefined;

/**
 * Returns the cached certificate, generating it with openssl on first use (P-256, SAN IP:127.0.0.1).
 * Processes that connect to the fake voice server need `NODE_EXTRA_CA_CERTS=<certPath>` at start.
 */
export function testCertificate(): Promise<TestCertificate> {
  pending ??= ensureCertificate().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function ensureCertificate(): Promise<TestCertificate> {
  const certPath = join(CERT_DIR, 'cert.pem');
  const keyPath = join(CERT_DIR, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    // Generate in a private dir, then rename the whole dir: parallel test workers never see a key from one
    // run next to a certificate from another. Losing the race is fine: the winner's pair is used.
    const work = mkdtempSync(join(tmpdir(), 'offline-discord-tls-gen-'));
    try {
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(work, 'key.pem'),
        '-out',
        join(work, 'cert.pem'),
        '-days',
        '3650',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]);
      try {
        renameSync(work, CERT_DIR);
      } catch {
        if (!existsSync(certPath))
          throw new Error(`offline-discord: could not install the test certificate in ${CERT_DIR}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}
