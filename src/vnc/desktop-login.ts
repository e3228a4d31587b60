import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { TsvncError } from '../errors.js';
import type { RfbAddress } from '../model/session-record.js';
import { byteReader, type ByteReader } from './byte-reader.js';
import { authenticateToServer, type ServerLink } from './rfb-handshake.js';

/** How tsvnc reaches a desktop's own server and logs in to it, for a viewer it has let in. */
export interface DesktopTarget {
  address: RfbAddress;
  password: string;
  /** SHA-256 of the certificate the server's VeNCrypt TLS must show, as X509Certificate.fingerprint256 gives it; absent: a server without TLS. */
  fingerprint?: string;
}

/** Logged in, before ClientInit: the stream to relay, and what the server sent beyond the handshake. */
export interface DesktopConnection {
  stream: Duplex;
  reader: ByteReader;
}

/**
 * Connects to the desktop's server and logs in. `onStream` sees each stream
 * as it appears (the plain socket, then its TLS), so a caller can destroy
 * it if its viewer goes away meanwhile.
 */
export async function loginToDesktop(target: DesktopTarget, onStream: (stream: Duplex) => void): Promise<DesktopConnection> {
  const { address } = target;
  // No Nagle: RFB is small requests and their answers; waiting to fill a packet held the first frame back ~80 ms (bench web).
  let stream: Duplex = connect('path' in address ? { path: address.path } : { host: '127.0.0.1', port: address.port, noDelay: true });
  stream.on('error', () => undefined);
  onStream(stream);
  let reader = byteReader(stream, 'the VNC server');
  const link: ServerLink = {
    read: (n) => reader.read(n),
    write: (bytes) => void stream.write(bytes),
    startTls: async () => {
      if (reader.release().length > 0) throw new TsvncError('SERVER_FAILED', 'the VNC server sent data before its TLS handshake', 'check that the port is this desktop\'s VNC port');
      if (target.fingerprint === undefined) throw new TsvncError('SERVER_FAILED', 'the VNC server asked for TLS, which tsvnc did not give it', 'see the desktop\'s log: tsvnc logs :N');
      stream = await startTls(stream as Socket, target.fingerprint);
      stream.on('error', () => undefined);
      onStream(stream);
      reader = byteReader(stream, 'the VNC server');
      return link;
    },
  };
  try {
    await authenticateToServer(link, target.password);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return { stream, reader };
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

/**
 * Both handshakes done: whatever either side sent beyond them first, in
 * order, then bytes both ways until either side ends, which ends both.
 */
export function splice(viewer: Duplex, fromViewer: ByteReader, desktop: DesktopConnection, end: () => void): void {
  // Either gone already: its close has been and gone, so nothing would end the other.
  if (viewer.destroyed || desktop.stream.destroyed) return end();
  const early = fromViewer.release();
  const late = desktop.reader.release();
  if (early.length > 0) desktop.stream.write(early);
  if (late.length > 0) viewer.write(late);
  viewer.on('close', end);
  desktop.stream.on('close', end);
  viewer.pipe(desktop.stream);
  desktop.stream.pipe(viewer);
}
