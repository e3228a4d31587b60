import { readFile } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { appendToLog } from '../session/log-file.js';
import { withHolders } from '../ports/port-listeners.js';
import { serverCertificate } from '../session/security-options.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { readPasswords } from '../vnc/vnc-des.js';
import type { SessionRecord } from '../model/session-record.js';
import type { ViewerType } from '../vnc/viewer-handshake.js';
import type { Door } from './desktop-doors.js';

/** What the daemon can do with a desktop's VNC port when it owns it. */
export interface VncDoor {
  issue(): string;
}

async function serverPasswords(path: string): Promise<{ full: string; viewOnly: string }> {
  const { full, viewOnly } = await readPasswords(path);
  if (viewOnly === undefined) throw new TsvncError('BAD_PASSWORD_FILE', `${path} holds no view-only password`, 'tsvnc made it with two; start the desktop again');
  return { full, viewOnly };
}

/** As TurboVNC's log stamps its lines: dd/mm/yyyy hh:mm:ss, local time. */
export function turboVncTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getDate())}/${two(at.getMonth() + 1)}/${at.getFullYear()} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/**
 * tsvnc's listener on the VNC port of a desktop with one-time passwords,
 * bound where the server would bind (localhost: 127.0.0.1 and ::1; else
 * :: and 0.0.0.0), on the port the record keeps.
 */
export async function openVncProxy(record: SessionRecord): Promise<Door<VncDoor> | undefined> {
  const { otp, rfbPort, localhost, securityTypes } = record.options;
  if (otp === undefined) return undefined;
  const offer = securityTypes.filter((t): t is ViewerType => t === 'VncAuth' || t === 'X509Vnc');
  const pair = offer.includes('X509Vnc') ? serverCertificate(record.options, record.home) : null;
  const [{ startVncProxy }, tls] = await Promise.all([
    import('../vnc/vnc-proxy.js'),
    pair ? Promise.all([readFile(pair.cert), readFile(pair.key)]).then(([cert, key]) => ({ cert, key })) : undefined,
  ]);
  const passwordFile = record.options.passwordFile ?? passwdFilePath(record.home);
  const proxy = await startVncProxy({
    hosts: localhost ? ['127.0.0.1', '::1'] : ['::', '0.0.0.0'], port: rfbPort, server: { path: otp.socket }, offer,
    serverPasswords: () => serverPasswords(otp.serverPasswordFile),
    ...(otp.only ? {} : { userPasswords: () => readPasswords(passwordFile) }),
    // TurboVNC's words for a login, in the server's log: Open OnDemand's template changes the password when it reads them.
    onLogin: ({ address, viewOnly }) => appendToLog(record.log, `${turboVncTime(new Date())} ${viewOnly ? 'View-only' : 'Full-control'} authentication enabled for ${address}`)
      .catch((error: Error) => logger.warn(`:${record.display}: cannot note a login in ${record.log}: ${error.message}`)),
    ...(tls ? { tls } : {}),
  }).catch((error: unknown) => withHolders(error, rfbPort, `the VNC port ${rfbPort} of :${record.display}`, `stop what holds it; tsvnc doctor :${record.display} explains`));
  return {
    info: { issue: () => proxy.issue() },
    close: () => proxy.close(),
  };
}
