import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { logger } from '../log.js';
import type { RfbAddress } from '../model/session-record.js';
import { boundPort, listenAll } from '../ports/listen-all.js';
import { loopbackPeerUid, unmapped } from '../proc/loopback-peer.js';
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
/** Handshakes under way at once, from one peer (see peerKey) and in all. */
const PENDING_PER_PEER = 8;
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
  const shared: Shared = { options, otps: new OneTimePasswords(), blacklist: options.blacklist ?? new Blacklist(), sessions: new Set(), pending: [] };
  const servers = await listenAll(options.hosts, options.port, 'the VNC port', (socket) => handle(socket, shared));
  const port = servers[0] === undefined ? options.port : boundPort(servers[0], options.port);
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
  /** Handshakes under way, oldest first, each with its peer's key and how to end it. */
  pending: Array<{ key: string; end: () => void }>;
}

/**
 * Who a connection is from, for the blacklist and the bounds on handshakes:
 * on loopback, where every local user's connections come from 127.0.0.1 (an
 * ssh tunnel's too), the connecting process's uid from the kernel, so that
 * another user's guesses or idle sockets count against that user alone;
 * else the address.
 */
async function peerKey(socket: Socket, address: string): Promise<string> {
  const uid = await loopbackPeerUid({ remoteAddress: address, remotePort: socket.remotePort ?? 0, localPort: socket.localPort ?? 0 }, performance.now()).catch(() => null);
  return uid === null ? address : `uid ${uid}`;
}

/**
 * Room for one more handshake from `key`: one from a key at its bound is
 * refused; at the bound in all, the oldest handshake under way makes room
 * (a flood of new connections cannot keep every viewer out for good).
 */
function makeRoom(shared: Shared, key: string): boolean {
  if (shared.pending.filter((p) => p.key === key).length >= PENDING_PER_PEER) return false;
  if (shared.pending.length >= PENDING_IN_ALL) shared.pending[0]?.end();
  return true;
}

function handle(socket: Socket, shared: Shared): void {
  socket.on('error', () => undefined);
  // An IPv4 viewer on a dual-stack socket, named as on an IPv4 one.
  const address = unmapped(socket.remoteAddress ?? '?');
  void peerKey(socket, address).then((key) => viewerSession(socket, shared, address, key));
}

function viewerSession(socket: Socket, shared: Shared, address: string, key: string): void {
  const from = `${address} port ${socket.remotePort ?? '?'}`;
  if (socket.destroyed || !makeRoom(shared, key)) {
    logger.debug(`vnc: closed ${from} at once: ${key} has ${PENDING_PER_PEER} handshakes under way`);
    socket.destroy();
    return;
  }
  const streams: Duplex[] = [socket];
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const settled = () => {
    const at = shared.pending.findIndex((p) => p.end === end);
    if (at !== -1) shared.pending.splice(at, 1);
  };
  const end = () => {
    closed = true;
    clearTimeout(timer);
    settled();
    shared.sessions.delete(end);
    for (const stream of streams) stream.destroy();
  };
  shared.pending.push({ key, end });
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
    const admitted = shared.blacklist.admit(key);
    // The answer may wait for a person: the long timer runs from the challenge on.
    const { link: inner, challenge, response } = await challengeViewer(link, shared.options.offer, admitted ? undefined : 'Too many security failures', () => deadline(ANSWER_MS, 'answer the challenge'));
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
    try {
      const own = await shared.options.serverPasswords().catch((error: unknown) => {
        if (!closed) answerViewer(inner.write, 'tsvnc cannot read the desktop\'s own password; see its daemon.log');
        throw error;
      });
      going();
      const desktop = await loginToDesktop({ address: shared.options.server, password: login.viewOnly ? own.viewOnly : own.full }, track).catch((error: unknown) => {
        if (!closed) answerViewer(inner.write, 'the desktop\'s server did not let tsvnc in; try again');
        throw error;
      });
      going();
      await shared.options.onLogin?.({ address, viewOnly: login.viewOnly });
      going();
      // The server may have gone while the login was noted: then nobody is let in.
      if (desktop.stream.destroyed) {
        answerViewer(inner.write, 'the desktop\'s server went away; try again');
        throw new Error('the server closed the connection');
      }
      shared.blacklist.succeeded(key);
      answerViewer(inner.write);
      clearTimeout(timer);
      settled();
      logger.info(`vnc: ${from} logged in with ${login.used}`);
      splice(viewer, reader, desktop, end);
    } catch (error) {
      // Nobody got in with it: a one-time password stays good.
      login.putBack?.();
      throw error;
    }
  })().catch((error: unknown) => {
    settled();
    logger.warn(`vnc: refused ${from}: ${error instanceof Error ? error.message : String(error)}`);
    // The reason first: a viewer that reads it shows it.
    viewer.end();
    clearTimeout(timer);
    setTimeout(end, 1000).unref();
  });
}
