import { readFile } from 'node:fs/promises';
import { logger } from '../log.js';
import { withHolders } from '../ports/port-listeners.js';
import { certificateDir } from '../session/prepare-start.js';
import { serverCertificate } from '../session/security-options.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { readPasswdFile } from '../vnc/vnc-des.js';
import { checkCertificate, ensureCertificate, type Certificate } from '../web/certificate.js';
import { serverAddress, type SessionRecord } from '../model/session-record.js';
import type { WebInfo } from '../daemon/protocol.js';
import type { Door } from './desktop-doors.js';

/**
 * The web gateway of a desktop started with --web, on the port and with the
 * token its record keeps. Its code loads only when a desktop asks for one.
 */
export async function openWebGateway(record: SessionRecord): Promise<Door<WebInfo> | undefined> {
  const { web } = record.options;
  if (web === undefined) return undefined;
  const certificate: Certificate = web.cert !== undefined && web.key !== undefined
    ? await checkCertificate(web.cert, web.key)
    : await ensureCertificate(certificateDir(record.env));
  // The server's own certificate, for its X509 types: pinned by the gateway when it logs in over TLS.
  const serverCert = serverCertificate(record.options, record.home)?.cert;
  // With one-time passwords the server's socket has tsvnc's own password.
  const passwordFile = record.options.otp?.serverPasswordFile ?? record.options.passwordFile ?? passwdFilePath(record.home);
  const [{ startGateway }, cert, key, , rfbCert] = await Promise.all([
    import('../web/gateway.js'),
    readFile(certificate.certPath),
    readFile(certificate.keyPath),
    // Read now too: a start with a broken one fails at once, not at each browser.
    readPasswdFile(passwordFile),
    serverCert === undefined || serverCert === certificate.certPath ? undefined : readFile(serverCert),
  ]);
  const gateway = await startGateway({
    host: record.options.localhost ? '127.0.0.1' : '::', port: web.port, cert, key, token: web.token, rfb: serverAddress(record.options), vncPassword: () => readPasswdFile(passwordFile),
    ...(rfbCert === undefined ? {} : { rfbCert }),
  }).catch((error: unknown) => withHolders(error, web.port, `the web port ${web.port} of :${record.display}`, 'stop what holds it, or choose another web port (tsvnc start --web-port, tsvnc web --port)'));
  logger.info(`:${record.display} served to browsers on port ${gateway.port}`);
  return { info: { url: gateway.url, port: gateway.port, fingerprint: certificate.fingerprint }, close: () => gateway.close() };
}
