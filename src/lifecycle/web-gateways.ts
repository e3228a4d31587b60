import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { logger } from '../log.js';
import { TsvncError } from '../errors.js';
import { readTcpTable } from '../proc/net-tcp.js';
import { socketOwners } from '../proc/socket-owners.js';
import { entriesOnPort, holdersOf } from '../ports/port-holders.js';
import { certificateDir } from '../session/prepare-start.js';
import { certificateFiles } from '../session/security-options.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { readPasswdFile } from '../vnc/passwd-decrypt.js';
import { checkCertificate, ensureCertificate, type Certificate } from '../web/certificate.js';
import type { Gateway } from '../web/gateway.js';
import type { ListedRecord, SessionRecord } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';
import type { WebInfo } from '../daemon/protocol.js';

/** A busy web port explained as a busy VNC port is: who holds it, from the kernel's tables. */
async function busyWebPort(display: number, port: number): Promise<TsvncError> {
  const entries = entriesOnPort(await readTcpTable(), port).filter((e) => e.state === 'LISTEN');
  const holders = holdersOf(entries, await socketOwners(new Set(entries.map((e) => e.inode).filter((i) => i !== 0))));
  const who = holders.map((h) => (h.pid === null ? `another user's socket on ${h.local}` : `${h.command ?? '?'} (pid ${h.pid}) on ${h.local}`));
  return new TsvncError(
    'DISPLAY_BUSY',
    `the web port ${port} of :${display} is in use${who.length > 0 ? ` by ${[...new Set(who)].join(', ')}` : ''}`,
    'stop what holds it, or start the desktop on another display (its web port is 5800+N); the desktop was not started',
  );
}

/** How often gateways of desktops that ended by themselves are looked for. */
const SWEEP_MS = 2_000;

/**
 * The daemon's web gateways, one per desktop started with --web: up while
 * the desktop is (a server restart keeps it, with its port and token, which
 * the record keeps), taken up again by a successor daemon, closed with the
 * desktop. The gateway's code loads only when a desktop asks for one.
 */
export class WebGateways {
  private readonly open = new Map<number, { gateway: Gateway; info: WebInfo }>();
  private readonly sweep: NodeJS.Timeout;

  constructor(records: () => ListedRecord[]) {
    this.sweep = setInterval(() => {
      const alive = new Set(records().filter((r) => r.state !== 'damaged' && isAlive(r.state)).map((r) => r.display));
      for (const display of this.open.keys()) if (!alive.has(display)) void this.close(display);
    }, SWEEP_MS);
    this.sweep.unref();
  }

  info(display: number): WebInfo | undefined {
    return this.open.get(display)?.info;
  }

  /** The desktop's gateway, started if it asks for one and has none yet. */
  async start(record: SessionRecord): Promise<WebInfo | undefined> {
    const { web } = record.options;
    if (web === undefined) return undefined;
    const known = this.open.get(record.display);
    if (known) return known.info;
    const certificate: Certificate = web.cert !== undefined && web.key !== undefined
      ? await checkCertificate(web.cert, web.key)
      : await ensureCertificate(certificateDir(record.env));
    // The server's own certificate, for its X509 types: pinned by the gateway when it logs in over TLS.
    const serverCert = record.options.x509?.cert ?? certificateFiles(record.options.extraArgs)?.cert;
    const [{ startGateway }, cert, key, vncPassword, rfbCert] = await Promise.all([
      import('../web/gateway.js'),
      readFile(certificate.certPath),
      readFile(certificate.keyPath),
      readPasswdFile(record.options.passwordFile ?? passwdFilePath(record.home)),
      serverCert === undefined || serverCert === certificate.certPath ? undefined : readFile(isAbsolute(serverCert) ? serverCert : join(record.home, serverCert)),
    ]);
    const gateway = await startGateway({
      host: record.options.localhost ? '127.0.0.1' : '::', port: web.port, cert, key, token: web.token, rfbPort: record.options.rfbPort, vncPassword,
      ...(rfbCert === undefined ? {} : { rfbCert }),
    }).catch(async (error: unknown) => {
      throw error instanceof TsvncError && error.code === 'DISPLAY_BUSY' ? await busyWebPort(record.display, web.port) : error;
    });
    const info = { url: gateway.url, port: gateway.port, fingerprint: certificate.fingerprint };
    this.open.set(record.display, { gateway, info });
    logger.info(`:${record.display} served to browsers on port ${gateway.port}`);
    return info;
  }

  async close(display: number): Promise<void> {
    const open = this.open.get(display);
    if (!open) return;
    this.open.delete(display);
    await open.gateway.close().catch((error: Error) => logger.warn(`:${display}: closing its web gateway: ${error.message}`));
  }

  closeAll(): void {
    clearInterval(this.sweep);
    for (const display of this.open.keys()) void this.close(display);
  }
}
