import { access, constants } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { TsvncError } from '../errors.js';
import type { SessionOptions } from '../model/session-record.js';

/** Types without TLS: the screen and the keystrokes cross the network as they are. */
const CLEARTEXT = new Set(['None', 'VncAuth', 'Plain']);

function isX509(type: string): boolean {
  return type.startsWith('X509');
}

/** The value of server option `name` (case-insensitive, as Xtigervnc reads it) in `args`: the last one given wins. */
function serverOptionValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  // Xvnc's forms: -name value, -name=value, --name..., and name=value.
  const form = new RegExp(`^(?:--?${name}(?:=(.*))?|${name}=(.*))$`, 'is');
  args.forEach((arg, i) => {
    const match = form.exec(arg);
    if (match) value = match[1] ?? match[2] ?? args[i + 1];
  });
  return value;
}

/** The certificate and key the X509 types need, as the server options give them. */
export function certificateFiles(args: readonly string[]): { cert: string; key: string } | null {
  const cert = serverOptionValue(args, 'X509Cert');
  const key = serverOptionValue(args, 'X509Key');
  return cert && key ? { cert, key } : null;
}

/** Whether the server needs a certificate from tsvnc: an X509 type, and none in its own options. */
export function needsCertificate(types: readonly string[], args: readonly string[]): boolean {
  return types.some(isX509) && certificateFiles(args) === null;
}

/**
 * Half a pair in the server options: Xtigervnc would start, then fail every
 * viewer that picks an X509 type ("Error loading X509 certificate or key").
 * With neither, the user's own certificate serves (see prepare-start.ts).
 */
export function checkCertificate(types: readonly string[], args: readonly string[]): void {
  const x509 = types.filter(isX509);
  const given = ['X509Cert', 'X509Key'].filter((name) => serverOptionValue(args, name) !== undefined);
  if (x509.length === 0 || given.length !== 1) return;
  throw new TsvncError(
    'BAD_ARGUMENT',
    `security type ${x509.join(', ')} with -${given[0]} alone: the server needs both a certificate and its key`,
    'give both -X509Cert CERT.pem and -X509Key KEY.pem, or neither to use your tsvnc certificate (web-cert and web-key in tsvnc.conf, else the generated one)',
  );
}

/** A path the server takes from its options: relative ones are from the home, where it runs. */
function fromHome(path: string, home: string): string {
  return isAbsolute(path) ? path : join(home, path);
}

/**
 * The pair a desktop's X509 types serve, as absolute paths: the one tsvnc
 * gave the server, else the one its own options name; null when it has none.
 */
export function serverCertificate(options: Pick<SessionOptions, 'x509' | 'extraArgs'>, home: string): { cert: string; key: string } | null {
  const pair = options.x509 ?? certificateFiles(options.extraArgs);
  return pair === null ? null : { cert: fromHome(pair.cert, home), key: fromHome(pair.key, home) };
}

/** The server reads its certificate only when a viewer connects: a wrong path must fail the start, not every viewer. */
export async function checkCertificateFiles(types: readonly string[], args: readonly string[], home: string): Promise<void> {
  const files = types.some(isX509) ? certificateFiles(args) : null;
  for (const given of files === null ? [] : [files.cert, files.key]) {
    const path = fromHome(given, home);
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new TsvncError('BAD_ARGUMENT', `cannot read ${path}, given to the server by -X509Cert or -X509Key: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'fix the path or its permissions');
    }
  }
}

/**
 * What a start off localhost without TLS should say: a viewer's traffic, and
 * with Plain the password, crosses the network as it is. Null when nothing
 * needs saying.
 */
export function cleartextWarning(options: Pick<SessionOptions, 'localhost' | 'securityTypes'>): string | null {
  const clear = options.securityTypes.filter((t) => CLEARTEXT.has(t));
  if (options.localhost || clear.length === 0) return null;
  const password = clear.includes('Plain') ? ', and with Plain the password too' : '';
  return `with security type ${clear.join(', ')} off localhost, the screen and every keystroke cross the network unencrypted${password}; `
    + 'keep --localhost yes and connect through an ssh tunnel, or use an encrypted type such as TLSVnc or TLSPlain';
}
