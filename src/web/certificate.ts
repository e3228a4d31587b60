import type { Stats } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { TsvncError } from '../errors.js';
import { isCode, readRegularNoFollow, writeNewPrivateFile } from '../tmp/safe-tmp.js';
import { hostNames } from './host-names.js';
import type { HostNames } from './self-signed.js';

export interface Certificate {
  certPath: string;
  keyPath: string;
  /** SHA-256 of the certificate, colon hex as browsers and `openssl x509 -fingerprint -sha256` show it. */
  fingerprint: string;
}

/** The generated pair lives in one directory of its own, so it appears whole (a rename) or not at all. */
const PAIR_DIR = 'tls';
const CERT_FILE = 'cert.pem';
const KEY_FILE = 'key.pem';
const MAX_PEM_BYTES = 64 * 1024;

/** Where ensureCertificate keeps the pair it makes in `dir`. */
export function generatedPair(dir: string): { cert: string; key: string } {
  return { cert: join(dir, PAIR_DIR, CERT_FILE), key: join(dir, PAIR_DIR, KEY_FILE) };
}

/**
 * The user's certificate in `dir`: made once, then the same one every time
 * (its fingerprint is what a user checks in a browser). Two tsvnc processes
 * making it at once end up with one pair. An expired one is replaced.
 */
export async function ensureCertificate(dir: string, names?: HostNames): Promise<Certificate> {
  const pairDir = join(dir, PAIR_DIR);
  const existing = await ownDirectory(pairDir);
  if (existing) {
    const found = await readPair(pairDir, 'generated');
    if (!found.expired) return found.certificate;
    // Aside first, so that a racing process sees either the old pair or none, never half of one.
    const aside = join(dir, `.${PAIR_DIR}-expired-${process.pid}-${Date.now()}`);
    if (await rename(pairDir, aside).then(() => true, () => false)) await rm(aside, { recursive: true, force: true });
  }
  await createPair(dir, pairDir, names ?? (await hostNames()));
  return (await readPair(pairDir, 'generated')).certificate;
}

/** A certificate and key named in the configuration: both readable, the key owner-only and the certificate's own. */
export async function checkCertificate(certPath: string, keyPath: string): Promise<Certificate> {
  const found = await readPair(undefined, 'configured', certPath, keyPath);
  if (found.expired) throw new TsvncError('BAD_CONFIG', `the certificate ${certPath} has expired`, 'renew it, or remove web-cert and web-key from the configuration to use a generated one');
  return found.certificate;
}

async function ownDirectory(path: string): Promise<boolean> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
  const me = process.getuid?.();
  if (!info.isDirectory() || (me !== undefined && info.uid !== me) || (info.mode & 0o022) !== 0) {
    throw new TsvncError('UNSAFE_PATH', `${path} is not a directory of yours that only you can write to`, `move it away: tsvnc makes a new certificate there`);
  }
  return true;
}

async function createPair(dir: string, pairDir: string, names: HostNames): Promise<void> {
  // pkijs is most of the gateway's load time and is needed once per user: loaded only then.
  const { selfSignedCertificate } = await import('./self-signed.js');
  const pair = await selfSignedCertificate(names);
  let temp: string | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    temp = await mkdtemp(join(dir, `.${PAIR_DIR}-`));
    await writeNewPrivateFile(join(temp, KEY_FILE), pair.key);
    await writeNewPrivateFile(join(temp, CERT_FILE), pair.cert);
    await rename(temp, pairDir);
    temp = undefined;
  } catch (error) {
    // Another process made its pair first: that one is the user's certificate.
    if (isCode(error, 'EEXIST') || isCode(error, 'ENOTEMPTY')) return;
    throw new TsvncError('STATE_WRITE_FAILED', `cannot save a new certificate in ${dir}: ${(error as Error).message}`, 'check that it is a directory you can write to', { cause: error });
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}


type Origin = 'generated' | 'configured';

/**
 * A generated pair is read without following symlinks; a configured one may
 * be a link (certbot's live/ directory is made of them), but its key must
 * still be closed to everyone else.
 */
async function readPair(pairDir: string | undefined, origin: Origin, certPath = join(pairDir ?? '', CERT_FILE), keyPath = join(pairDir ?? '', KEY_FILE)): Promise<{ certificate: Certificate; expired: boolean }> {
  const hint = origin === 'generated' ? `remove ${pairDir} to make a new one` : 'check the web-cert and web-key settings';
  const certText = await readPem(certPath, origin, hint);
  const keyText = await readPem(keyPath, origin, hint);
  const keyMode = (await stat(keyPath)).mode;
  if ((keyMode & 0o077) !== 0) {
    throw new TsvncError('UNSAFE_PATH', `the private key ${keyPath} can be read or written by others (mode 0${(keyMode & 0o777).toString(8)})`, `chmod 600 ${keyPath}, and make a new key if others may have read it`);
  }
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certText);
  } catch (error) {
    throw new TsvncError('BAD_CONFIG', `${certPath} is not a PEM certificate: ${(error as Error).message}`, hint, { cause: error });
  }
  try {
    key = createPrivateKey(keyText);
  } catch (error) {
    throw new TsvncError('BAD_CONFIG', `${keyPath} is not an unencrypted PEM private key: ${(error as Error).message}`, hint, { cause: error });
  }
  if (!cert.checkPrivateKey(key)) throw new TsvncError('BAD_CONFIG', `the key ${keyPath} does not belong to the certificate ${certPath}`, hint);
  return { certificate: { certPath, keyPath, fingerprint: cert.fingerprint256 }, expired: Date.parse(cert.validTo) < Date.now() };
}

async function readPem(path: string, origin: Origin, hint: string): Promise<Buffer> {
  if (origin === 'configured') {
    return readFile(path).catch((error: unknown) => {
      throw new TsvncError('BAD_CONFIG', `cannot read ${path}: ${(error as Error).message}`, hint, { cause: error });
    });
  }
  const read = await readRegularNoFollow(path, MAX_PEM_BYTES);
  if (read.kind === 'file') return read.content;
  const why = read.kind === 'missing' ? 'is missing' : read.kind === 'unreadable' ? `cannot be read: ${read.error}` : `is a ${read.type}, not a regular file`;
  throw new TsvncError('UNSAFE_PATH', `${path} ${why}`, hint);
}
