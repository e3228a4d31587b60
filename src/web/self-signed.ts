import { webcrypto, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** The names a browser or viewer may use to reach this host: DNS names and IP addresses. */
export interface HostNames {
  dns: string[];
  ips: string[];
}

export interface PemPair {
  cert: string;
  key: string;
}

/** Apple's platforms refuse TLS server certificates valid for longer, even ones a user trusts. */
const VALID_DAYS = 825;
const DAY_MS = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // IPv6: expand "::" and write each group as two bytes.
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const fill = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array<string>(ip.includes('::') ? fill : 0).fill('0'), ...groups(tail)];
  return Uint8Array.from(all.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 0xff]; }));
}

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const lines = Buffer.from(der as Uint8Array).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Random bytes as a serial number DER can hold: a positive INTEGER in its
 * shortest form. A first byte of 0 before one below 0x80 would be padding,
 * which OpenSSL refuses to parse (1 certificate in 256 was unreadable).
 */
export function serialNumber(random: Uint8Array): Uint8Array {
  const serial = Uint8Array.from(random);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  return serial;
}

/**
 * A self-signed server certificate with an ECDSA P-256 key, for the names
 * given: what browsers and GnuTLS (VNC's own TLS) accept. Not a CA: nothing
 * it signs would be trusted, so trusting it exposes only this host.
 */
export async function selfSignedCertificate(names: HostNames, now = new Date()): Promise<PemPair> {
  const crypto = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: serialNumber(randomBytes(16)) });
  const commonName = new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: `tsvnc ${names.dns[0] ?? 'localhost'}` }) });
  cert.subject.typesAndValues.push(commonName);
  cert.issuer.typesAndValues.push(commonName);
  // A day early: a browser whose clock is a little behind still accepts it.
  cert.notBefore.value = new Date(now.getTime() - DAY_MS);
  cert.notAfter.value = new Date(now.getTime() + VALID_DAYS * DAY_MS);
  const altNames = new pkijs.GeneralNames({
    names: [
      ...names.dns.map((value) => new pkijs.GeneralName({ type: GENERAL_NAME_DNS, value })),
      ...names.ips.map((ip) => new pkijs.GeneralName({ type: GENERAL_NAME_IP, value: new asn1js.OctetString({ valueHex: ipBytes(ip) }) })),
    ],
  });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.17', critical: false, extnValue: altNames.toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: '2.5.29.37', critical: false, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [SERVER_AUTH] }).toSchema().toBER(false) }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, crypto);
  await cert.sign(keys.privateKey, 'SHA-256', crypto);
  const der = new Uint8Array(cert.toSchema().toBER(false));
  // Node parses what was built: a certificate it cannot read is a bug here, not a file to write.
  new X509Certificate(der);
  return { cert: pem('CERTIFICATE', der), key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
