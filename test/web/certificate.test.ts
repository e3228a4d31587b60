import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsvncError } from '../../src/errors.js';
import { checkCertificate, ensureCertificate } from '../../src/web/certificate.js';
import { selfSignedCertificate } from '../../src/web/self-signed.js';
import { tempDir } from '../helpers/temp-dir.js';

const NAMES = { dns: ['localhost', 'node7', 'node7.cluster.example'], ips: ['127.0.0.1', '::1', '10.1.2.3', 'fe80::1:2'] };

function tsvncError(code: string, pattern: RegExp) {
  return (error: unknown) => error instanceof TsvncError && error.code === code && pattern.test(error.message);
}

describe('the generated certificate', () => {
  it('is made once: an ECDSA P-256 key only its owner reads, and the names it was given', async (t) => {
    const dir = await tempDir(t, 'cert');
    const made = await ensureCertificate(join(dir, 'config'), NAMES);
    assert.equal(made.certPath, join(dir, 'config', 'tls', 'cert.pem'));
    assert.equal((await stat(made.keyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'config', 'tls'))).mode & 0o077, 0);
    const key = createPrivateKey(await readFile(made.keyPath));
    assert.equal(key.asymmetricKeyType, 'ec');
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const cert = new X509Certificate(await readFile(made.certPath));
    assert.equal(cert.subjectAltName, 'DNS:localhost, DNS:node7, DNS:node7.cluster.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.1.2.3, IP Address:FE80:0:0:0:0:0:1:2');
    assert.equal(cert.ca, false);
    assert.ok(cert.checkPrivateKey(key));
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.deepEqual(await ensureCertificate(join(dir, 'config'), NAMES), made, 'the same pair the second time');
    assert.deepEqual((await readdir(join(dir, 'config'))).sort(), ['tls'], 'no temporary files left');
  });

  it("has the fingerprint openssl prints for it", async (t) => {
    const made = await ensureCertificate(await tempDir(t, 'cert'), NAMES);
    const openssl = execFileSync('/usr/bin/openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', made.certPath], { encoding: 'utf8' });
    assert.equal(openssl.trim().replace(/^sha256 Fingerprint=/i, ''), made.fingerprint);
    assert.match(made.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('is one pair when several processes make it at once', async (t) => {
    const dir = await tempDir(t, 'cert');
    const all = await Promise.all(Array.from({ length: 6 }, () => ensureCertificate(dir, NAMES)));
    assert.equal(new Set(all.map((c) => c.fingerprint)).size, 1);
    assert.deepEqual(await readdir(dir), ['tls']);
    assert.deepEqual((await readdir(join(dir, 'tls'))).sort(), ['cert.pem', 'key.pem']);
  });

  it('is replaced once it has expired', async (t) => {
    const dir = await tempDir(t, 'cert');
    const old = await selfSignedCertificate(NAMES, new Date(Date.now() - 1000 * 86_400_000));
    await mkdir(join(dir, 'tls'), { mode: 0o700 });
    await writeFile(join(dir, 'tls', 'cert.pem'), old.cert);
    await writeFile(join(dir, 'tls', 'key.pem'), old.key, { mode: 0o600 });
    const oldFingerprint = new X509Certificate(old.cert).fingerprint256;
    const made = await ensureCertificate(dir, NAMES);
    assert.notEqual(made.fingerprint, oldFingerprint);
    assert.ok(Date.parse(new X509Certificate(await readFile(made.certPath)).validTo) > Date.now());
    assert.deepEqual(await readdir(dir), ['tls'], 'the old pair is gone');
  });

  it('is not read through a symlink planted in its place', async (t) => {
    const dir = await tempDir(t, 'cert');
    const elsewhere = join(dir, 'elsewhere');
    await ensureCertificate(elsewhere, NAMES);
    await mkdir(join(dir, 'config'));
    await symlink(join(elsewhere, 'tls'), join(dir, 'config', 'tls'));
    await assert.rejects(ensureCertificate(join(dir, 'config'), NAMES), tsvncError('UNSAFE_PATH', /not a directory of yours/));
  });

  it('refuses a key that others can read', async (t) => {
    const dir = await tempDir(t, 'cert');
    const made = await ensureCertificate(dir, NAMES);
    await chmod(made.keyPath, 0o644);
    await assert.rejects(ensureCertificate(dir, NAMES), tsvncError('UNSAFE_PATH', /can be read or written by others \(mode 0644\)/));
  });
});

describe('a configured certificate', () => {
  it('is checked and fingerprinted where it is', async (t) => {
    const dir = await tempDir(t, 'cert');
    const made = await ensureCertificate(dir, NAMES);
    assert.deepEqual(await checkCertificate(made.certPath, made.keyPath), made);
  });

  it("is refused with another certificate's key", async (t) => {
    const a = await ensureCertificate(await tempDir(t, 'cert'), NAMES);
    const b = await ensureCertificate(await tempDir(t, 'cert'), NAMES);
    await assert.rejects(checkCertificate(a.certPath, b.keyPath), tsvncError('BAD_CONFIG', /does not belong to the certificate/));
  });

  it('is refused when it is not a certificate, or missing', async (t) => {
    const dir = await tempDir(t, 'cert');
    const made = await ensureCertificate(dir, NAMES);
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n', { mode: 0o600 });
    await assert.rejects(checkCertificate(garbage, made.keyPath), tsvncError('BAD_CONFIG', /is not a PEM certificate/));
    await assert.rejects(checkCertificate(made.certPath, garbage), tsvncError('BAD_CONFIG', /is not an unencrypted PEM private key/));
    await assert.rejects(checkCertificate(join(dir, 'absent.pem'), made.keyPath), tsvncError('BAD_CONFIG', /cannot read/));
  });
});
