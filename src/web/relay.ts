import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createWebSocketStream, type WebSocket } from 'ws';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { byteReader } from './byte-reader.js';
import { acceptBrowser, authenticateToServer, refuseBrowser, type ServerLink } from './rfb-handshake.js';

export interface RelayTarget {
  rfbPort: number;
  vncPassword: string;
  /** SHA-256 of the certificate the server's VeNCrypt TLS must show, as X509Certificate.fingerprint256 gives it. */
  rfbFingerprint: string;
}

/** Bounds the connect to the desktop and both handshakes together. */
const HANDSHAKE_MS = 15_000;

/** Handshakes with both sides, then copies bytes both ways until either ends; the browser's loss or the server's ends both. */
export function relay(ws: WebSocket, from: string, options: RelayTarget, sessions: Set<() => void>): void {
  const browser = createWebSocketStream(ws);
  // No Nagle: RFB is small requests and their answers; waiting to fill a packet held the first frame back ~80 ms (bench web).
  let desktop: Duplex = connect({ host: '127.0.0.1', port: options.rfbPort, noDelay: true });
  const end = () => {
    sessions.delete(end);
    browser.destroy();
    desktop.destroy();
  };
  sessions.add(end);
  browser.on('error', end).on('close', end);
  desktop.on('error', () => undefined);
  const timer = setTimeout(() => {
    logger.warn(`web: the connection from ${from} did not finish its handshake within ${HANDSHAKE_MS / 1000} s`);
    end();
  }, HANDSHAKE_MS);
  const fromBrowser = byteReader(browser, 'the browser');
  let fromDesktop = byteReader(desktop, 'the VNC server');
  const write = (stream: () => Duplex) => (bytes: Buffer) => void stream().write(bytes);
  const link: ServerLink = {
    read: (n) => fromDesktop.read(n),
    write: write(() => desktop),
    startTls: async () => {
      if (fromDesktop.release().length > 0) throw new TsvncError('SERVER_FAILED', 'the VNC server sent data before its TLS handshake', 'check that the port is this desktop\'s VNC port');
      desktop = await startTls(desktop as Socket, options.rfbFingerprint);
      desktop.on('error', () => undefined);
      fromDesktop = byteReader(desktop, 'the VNC server');
      return link;
    },
  };
  void (async () => {
    try {
      await authenticateToServer(link, options.vncPassword);
    } catch (error) {
      const why = error instanceof TsvncError ? error.message : `the desktop cannot be reached: ${(error as Error).message}`;
      logger.warn(`web: ${from}: ${why}`);
      desktop.destroy();
      await refuseBrowser(fromBrowser.read, write(() => browser), why).catch(() => undefined);
      browser.end();
      return;
    }
    try {
      await acceptBrowser(fromBrowser.read, write(() => browser));
    } catch (error) {
      logger.warn(`web: ${from}: ${(error as Error).message}`);
      end();
      return;
    }
    clearTimeout(timer);
    logger.info(`web: ${from} is connected to RFB port ${options.rfbPort}`);
    const early = fromBrowser.release();
    const late = fromDesktop.release();
    if (early.length > 0) desktop.write(early);
    if (late.length > 0) browser.write(late);
    desktop.on('close', end);
    browser.pipe(desktop);
    desktop.pipe(browser);
  })().finally(() => clearTimeout(timer));
}

/**
 * VeNCrypt's TLS to the desktop's own server on this host: the certificate
 * is pinned (the very one tsvnc started the server with), so no name or CA
 * needs to match, and a server that is not ours gets no VNC response.
 */
async function startTls(socket: Socket, want: string): Promise<TLSSocket> {
  const secure = tlsConnect({ socket, rejectUnauthorized: false, servername: 'localhost', minVersion: 'TLSv1.2' });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', (error) => reject(new TsvncError('SERVER_FAILED', `the TLS handshake with the VNC server failed: ${error.message}`, 'see the desktop\'s log: tsvnc logs :N', { cause: error })));
  });
  const seen = secure.getPeerCertificate().fingerprint256;
  if (seen !== want) {
    secure.destroy();
    throw new TsvncError('SERVER_FAILED', `the VNC server's TLS certificate (SHA-256 ${seen}) is not the one tsvnc gave it (${want})`, 'another program may hold the desktop\'s port: tsvnc doctor');
  }
  return secure;
}
