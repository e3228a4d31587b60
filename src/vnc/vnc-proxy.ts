import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import type { RfbAddress } from '../model/session-record.js';
import { Blacklist } from './blacklist.js';
import { byteReader, type ByteReader } from './byte-reader.js';
import { loginToDesktop, splice } from './desktop-login.js';
import { OneTimePasswords } from './one-time-passwords.js';
import { vncAuthResponse } from './passwd-decrypt.js';
import { answerViewer, challengeViewer, type ViewerLink, type ViewerType } from './viewer-handshake.js';

interface Passwords {
  full: string;
  viewOnly?: string;
}

export interface VncProxyOptions {
  /** The addresses the server would listen on: 127.0.0.1 and ::1 for this host alone, else ::. */
  hosts: readonly string[];
  port: number;
  /** The desktop's server, on its private socket. */
  server: RfbAddress;
  offer: readonly ViewerType[];
  /** The certificate and key X509Vnc's TLS shows the viewer. */
  tls?: { cert: Buffer; key: Buffer };
  /** The desktop's password file, read at each login as Xtigervnc reads it: a changed password counts at once. */
  passwords: () => Promise<Passwords>;
  /** One-time passwords only: the regular ones are refused here, though tsvnc still uses them to reach the server. */
  only: boolean;
  blacklist?: Blacklist;
  /** A viewer was let in, from `address`; view-only when it gave the view-only password. */
  onLogin?: (login: { address: string; viewOnly: boolean }) => void;
}

export interface VncProxy {
  port: number;
  /** A new one-time password: it lets one viewer in, with full control. */
  issue(): string;
  close(): Promise<void>;
}

/** Bounds the viewer's handshake and tsvnc's login to the server together. */
const HANDSHAKE_MS = 15_000;
const REFUSED = 'Authentication failed';

/**
 * tsvnc's own listener on a desktop's VNC port, for one-time passwords:
 * Xtigervnc has one password slot, so tsvnc checks a viewer's answer
 * against the regular password (unless `only`) and every waiting one-time
 * password itself, then logs in to the server on its private socket with
 * the regular password (the view-only one for a view-only login) and
 * relays. A used one-time password is gone before the viewer is let in.
 */
export async function startVncProxy(options: VncProxyOptions): Promise<VncProxy> {
  const otps = new OneTimePasswords();
  const blacklist = options.blacklist ?? new Blacklist();
  const sessions = new Set<() => void>();
  const servers: Server[] = [];
  const onConnection = (socket: Socket) => handle(socket, { options, otps, blacklist, sessions });
  try {
    for (const host of options.hosts) {
      const server = createServer({ noDelay: true }, onConnection);
      const listening = await listen(server, host, options.port, options.hosts.length > 1 && servers.length > 0);
      if (listening) servers.push(server);
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  const address = servers[0]?.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info(`vnc: tsvnc takes viewers on port ${port} (${options.hosts.join(', ')}) for ${'path' in options.server ? options.server.path : options.server.port}`);
  return {
    port,
    issue: () => otps.issue(),
    close: async () => {
      for (const end of [...sessions]) end();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/** False for a second address this host lacks (::1 without IPv6), as Xtigervnc goes on without it. */
async function listen(server: Server, host: string, port: number, mayLack: boolean): Promise<boolean> {
  server.listen({ host, port, exclusive: true, ipv6Only: host === '::1' });
  try {
    await once(server, 'listening');
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (mayLack && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) return false;
    if (code === 'EADDRINUSE') throw new TsvncError('DISPLAY_BUSY', `the VNC port ${host} port ${port} is in use`, 'free it, or start the desktop on another display', { cause: error });
    throw new TsvncError('INTERNAL', `cannot listen on ${host} port ${port} for the desktop's viewers: ${(error as Error).message}`, undefined, { cause: error });
  }
}

interface Shared {
  options: VncProxyOptions;
  otps: OneTimePasswords;
  blacklist: Blacklist;
  sessions: Set<() => void>;
}

/** The login a viewer's answer earns: the password tsvnc then gives the server, and what the viewer used. */
function judge(shared: Shared, passwords: Passwords, challenge: Buffer, response: Buffer): { password: string; used: string; viewOnly: boolean } | null {
  const answers = (password: string) => timingSafeEqual(vncAuthResponse(challenge, password), response);
  // Each is computed whichever matches: the time taken tells nothing about which.
  const full = !shared.options.only && answers(passwords.full);
  const viewOnly = !shared.options.only && passwords.viewOnly !== undefined && answers(passwords.viewOnly);
  const otp = shared.otps.take(answers);
  if (otp || full) return { password: passwords.full, used: otp ? 'a one-time password' : 'the password', viewOnly: false };
  if (viewOnly && passwords.viewOnly !== undefined) return { password: passwords.viewOnly, used: 'the view-only password', viewOnly: true };
  return null;
}

function handle(socket: Socket, shared: Shared): void {
  // An IPv4 viewer on the dual-stack listener, named as on an IPv4 one (the blacklist's key, the log's words).
  const address = (socket.remoteAddress ?? '?').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const from = `${address} port ${socket.remotePort ?? '?'}`;
  const streams: Duplex[] = [socket];
  const end = () => {
    shared.sessions.delete(end);
    for (const stream of streams) stream.destroy();
  };
  shared.sessions.add(end);
  socket.on('error', end).on('close', end);
  const timer = setTimeout(() => {
    logger.warn(`vnc: ${from} did not finish its handshake within ${HANDSHAKE_MS / 1000} s`);
    end();
  }, HANDSHAKE_MS);
  let viewer: Duplex = socket;
  let reader: ByteReader = byteReader(socket, 'the viewer');
  const link: ViewerLink = {
    read: (n) => reader.read(n),
    write: (bytes) => void viewer.write(bytes),
    startTls: async () => {
      const { tls } = shared.options;
      if (reader.release().length > 0 || tls === undefined) throw new Error('the viewer sent data before its TLS handshake');
      const secure = new TLSSocket(socket, { isServer: true, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
      streams.push(secure);
      secure.on('error', end);
      await once(secure, 'secure');
      viewer = secure;
      reader = byteReader(secure, 'the viewer');
      return link;
    },
  };
  void (async () => {
    const blocked = shared.blacklist.blockedFor(address);
    const { link: inner, challenge, response } = await challengeViewer(link, shared.options.offer, blocked > 0 ? 'Too many security failures' : undefined);
    const passwords = await shared.options.passwords().catch((error: unknown) => {
      answerViewer(inner.write, 'the desktop\'s password file cannot be read');
      throw error;
    });
    const login = judge(shared, passwords, challenge, response);
    if (login === null) {
      shared.blacklist.failed(address);
      answerViewer(inner.write, REFUSED);
      throw new Error('wrong password');
    }
    shared.blacklist.succeeded(address);
    const desktop = await loginToDesktop({ address: shared.options.server, password: login.password }, (stream) => streams.push(stream)).catch((error: unknown) => {
      answerViewer(inner.write, 'the desktop\'s server did not let tsvnc in; try again');
      throw error;
    });
    answerViewer(inner.write);
    clearTimeout(timer);
    logger.info(`vnc: ${from} logged in with ${login.used}`);
    shared.options.onLogin?.({ address, viewOnly: login.viewOnly });
    splice(viewer, reader, desktop, end);
  })().catch((error: unknown) => {
    clearTimeout(timer);
    logger.warn(`vnc: refused ${from}: ${error instanceof Error ? error.message : String(error)}`);
    // The reason first: a viewer that reads it shows it.
    viewer.end();
    setTimeout(end, 1000).unref();
  });
}
