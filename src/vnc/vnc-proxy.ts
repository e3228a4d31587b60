import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { logger } from '../log.js';
import type { RfbAddress } from '../model/session-record.js';
import { listenAll } from '../ports/listen-all.js';
import { Blacklist } from './blacklist.js';
import { byteReader, type ByteReader } from './byte-reader.js';
import { loginToDesktop, splice } from './desktop-login.js';
import { OneTimePasswords } from './one-time-passwords.js';
import { judge, type Passwords } from './judge-login.js';
import { answerViewer, challengeViewer, type ViewerLink, type ViewerType } from './viewer-handshake.js';

export interface VncProxyOptions {
  /** The addresses the server would listen on: 127.0.0.1 and ::1 for this host alone, else :: and 0.0.0.0; one that this host lacks is left out. */
  hosts: readonly string[];
  port: number;
  /** The desktop's server, on its private socket. */
  server: RfbAddress;
  /** Its passwords (full control, view-only), which tsvnc alone knows, read at each login. */
  serverPasswords: () => Promise<Required<Passwords>>;
  offer: readonly ViewerType[];
  /** The certificate and key X509Vnc's TLS shows the viewer. */
  tls?: { cert: Buffer; key: Buffer };
  /** The user's password file, read at each login as Xtigervnc reads it: a changed password counts at once. Absent: one-time passwords only. */
  userPasswords?: () => Promise<Passwords>;
  blacklist?: Blacklist;
  /**
   * A viewer is let in, from `address`; view-only when it gave the
   * view-only password. Awaited before the viewer hears so: the server then
   * waits for the viewer's first message and writes nothing to its log.
   */
  onLogin?: (login: { address: string; viewOnly: boolean }) => Promise<void>;
}

export interface VncProxy {
  port: number;
  /** A new one-time password: it lets one viewer in, with full control. */
  issue(): string;
  close(): Promise<void>;
}

/** For the protocol's steps and tsvnc's login to the server. */
const STEP_MS = 15_000;
/** For the answer to the challenge: a viewer asks its user for the password (and about the certificate) only once it has the challenge. */
const ANSWER_MS = 5 * 60_000;
/** Handshakes under way at once, from one address and in all: more are closed at once (a flood, not viewers). */
const PENDING_PER_ADDRESS = 8;
const PENDING_IN_ALL = 64;
const REFUSED = 'Authentication failed';

/**
 * tsvnc's own listener on a desktop's VNC port, for one-time passwords:
 * Xtigervnc has one password slot, so tsvnc checks a viewer's answer
 * against the user's passwords (unless one-time passwords only) and every
 * waiting one-time password itself, then logs in to the server on its
 * private socket with the server's own password (its view-only one for a
 * view-only login, so the server enforces it) and relays. A one-time
 * password is spent only if the server let tsvnc in.
 */
export async function startVncProxy(options: VncProxyOptions): Promise<VncProxy> {
  const shared: Shared = { options, otps: new OneTimePasswords(), blacklist: options.blacklist ?? new Blacklist(), sessions: new Set(), pending: new Map() };
  const servers = await listenAll(options.hosts, options.port, 'the VNC port', (socket) => handle(socket, shared));
  const address = servers[0]?.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info(`vnc: tsvnc takes viewers on port ${port} (${options.hosts.join(', ')}) for ${'path' in options.server ? options.server.path : options.server.port}`);
  return {
    port,
    issue: () => shared.otps.issue(),
    close: async () => {
      for (const end of [...shared.sessions]) end();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

interface Shared {
  options: VncProxyOptions;
  otps: OneTimePasswords;
  blacklist: Blacklist;
  sessions: Set<() => void>;
  /** Handshakes under way, per address. */
  pending: Map<string, number>;
}

function handle(socket: Socket, shared: Shared): void {
  // An IPv4 viewer on a dual-stack socket, named as on an IPv4 one (the blacklist's key, the log's words).
  const address = (socket.remoteAddress ?? '?').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const under = shared.pending.get(address) ?? 0;
  const inAll = [...shared.pending.values()].reduce((a, b) => a + b, 0);
  if (under >= PENDING_PER_ADDRESS || inAll >= PENDING_IN_ALL) {
    socket.destroy();
    return;
  }
  shared.pending.set(address, under + 1);
  let handshaking = true;
  const settled = () => {
    if (!handshaking) return;
    handshaking = false;
    const left = (shared.pending.get(address) ?? 1) - 1;
    if (left > 0) shared.pending.set(address, left);
    else shared.pending.delete(address);
  };
  const from = `${address} port ${socket.remotePort ?? '?'}`;
  const streams: Duplex[] = [socket];
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const end = () => {
    closed = true;
    clearTimeout(timer);
    settled();
    shared.sessions.delete(end);
    for (const stream of streams) stream.destroy();
  };
  const deadline = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      logger.warn(`vnc: ${from} did not ${what} within ${ms / 1000} s`);
      end();
    }, ms);
  };
  // Every stream tsvnc opens for this viewer ends with it, also one that appears after it left.
  const track = (stream: Duplex) => {
    streams.push(stream);
    if (closed) stream.destroy();
  };
  /** Stops a handshake whose viewer went away meanwhile. */
  const going = () => {
    if (closed) throw new Error('the viewer went away');
  };
  shared.sessions.add(end);
  socket.on('error', end).on('close', end);
  deadline(STEP_MS, 'finish its handshake');
  let viewer: Duplex = socket;
  let reader: ByteReader = byteReader(socket, 'the viewer');
  const link: ViewerLink = {
    read: (n) => reader.read(n),
    write: (bytes) => void viewer.write(bytes),
    startTls: async () => {
      const { tls } = shared.options;
      if (reader.release().length > 0 || tls === undefined) throw new Error('the viewer sent data before its TLS handshake');
      const secure = new TLSSocket(socket, { isServer: true, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
      track(secure);
      secure.on('error', end);
      await once(secure, 'secure');
      viewer = secure;
      reader = byteReader(secure, 'the viewer');
      return link;
    },
  };
  void (async () => {
    const admitted = shared.blacklist.admit(address);
    const asked = challengeViewer(link, shared.options.offer, admitted ? undefined : 'Too many security failures');
    // The answer may wait for a person: the timer is the long one from the challenge on.
    const { link: inner, challenge, response } = await Promise.race([asked, new Promise<never>(() => deadline(ANSWER_MS, 'answer the challenge'))]);
    deadline(STEP_MS, 'finish its login');
    going();
    const passwords = shared.options.userPasswords && await shared.options.userPasswords().catch((error: unknown) => {
      answerViewer(inner.write, 'the desktop\'s password file cannot be read');
      throw error;
    });
    going();
    const login = judge(shared.otps, passwords, challenge, response);
    if (login === null) {
      answerViewer(inner.write, REFUSED);
      throw new Error('wrong password');
    }
    const desktop = await (async () => {
      const own = await shared.options.serverPasswords();
      going();
      return loginToDesktop({ address: shared.options.server, password: login.viewOnly ? own.viewOnly : own.full }, track);
    })().catch((error: unknown) => {
      login.putBack?.();
      if (!closed) answerViewer(inner.write, 'the desktop\'s server did not let tsvnc in; try again');
      throw error;
    });
    if (closed) {
      login.putBack?.();
      desktop.stream.destroy();
      going();
    }
    shared.blacklist.succeeded(address);
    await shared.options.onLogin?.({ address, viewOnly: login.viewOnly });
    going();
    answerViewer(inner.write);
    clearTimeout(timer);
    settled();
    logger.info(`vnc: ${from} logged in with ${login.used}`);
    splice(viewer, reader, desktop, end);
  })().catch((error: unknown) => {
    settled();
    logger.warn(`vnc: refused ${from}: ${error instanceof Error ? error.message : String(error)}`);
    // The reason first: a viewer that reads it shows it.
    viewer.end();
    clearTimeout(timer);
    setTimeout(end, 1000).unref();
  });
}
