import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { quote } from '../output/printable.js';
import { defaultNoVncDir, loadClientFiles, type ClientFile } from './client-files.js';
import { relay, type RelayTarget } from './relay.js';
import type { RfbAddress } from '../model/session-record.js';
import { tokenMatches } from './token.js';
import { boundPort, isMissingFamily, listenRefusal } from '../ports/listen-all.js';

const WEB_PORT_HINT = 'free it, or choose another web port';

export interface GatewayOptions {
  /** '127.0.0.1' (or '::1') for this host alone; '::' or '0.0.0.0' for every address. */
  host: string;
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  token: string;
  /** Where the desktop's server takes RFB connections on this host. */
  rfb: RfbAddress;
  /** The certificate the desktop's server has for VeNCrypt's TLS, pinned: `cert` unless given (a server without TLS ignores it). */
  rfbCert?: string | Buffer;
  /** The desktop's VNC password in plain text (vnc-des.ts reads it from ~/.vnc/passwd), read for each browser. */
  vncPassword: () => Promise<string>;
  /** Where noVNC's core/ and vendor/ are: the package in node_modules unless given. */
  noVncDir?: string;
  /** The host name the printed URL names: localhost for a loopback gateway, else this host's name. */
  urlHost?: string;
}

export interface Gateway {
  port: number;
  url: string;
  close(): Promise<void>;
}

const WS_PATH = '/websockify';
/** noVNC's clipboard and the largest updates stay far below this. */
const MAX_MESSAGE = 16 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const HEADERS = {
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * One HTTPS server for one desktop: noVNC's files to anyone (they are the
 * public client), and a WebSocket that reaches the desktop only with the
 * token. The gateway logs in to the desktop with its VNC password, so the
 * browser has nothing to type.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const files = await loadClientFiles(options.noVncDir ?? defaultNoVncDir());
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  const sessions = new Set<() => void>();
  let server: Server;
  let target: RelayTarget;
  try {
    target = { address: options.rfb, password: options.vncPassword, fingerprint: new X509Certificate(options.rfbCert ?? options.cert).fingerprint256 };
    server = createServer({ cert: options.cert, key: options.key, minVersion: 'TLSv1.2' }, (req, res) => serveFile(files, req, res));
  } catch (error) {
    throw new TsvncError('BAD_CONFIG', `the web certificate or key cannot be used: ${(error as Error).message}`, 'check the web-cert and web-key files', { cause: error });
  }
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://gateway');
    // The token first, on every path: without it the request learns nothing, not even which paths exist.
    if (!tokenMatches(url.searchParams.get('token'), options.token)) return refuse(socket, 403, 'Forbidden', `refused a WebSocket from ${peer(req)}: ${url.searchParams.has('token') ? 'wrong' : 'no'} token`);
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found', `refused a WebSocket from ${peer(req)} for ${quote(url.pathname)}`);
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, peer(req), target, sessions));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await listen(server, options);
  const port = boundPort(server, options.port);
  const urlHost = options.urlHost ?? (LOOPBACK.has(options.host) ? 'localhost' : hostname());
  logger.info(`web: serving ${options.host} port ${port} for ${'path' in options.rfb ? options.rfb.path : `RFB port ${options.rfb.port}`}`);
  return {
    port,
    url: `https://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}/#token=${options.token}`,
    close: () => closeAll(server, wss, sessions),
  };
}

function peer(req: IncomingMessage): string {
  return `${req.socket.remoteAddress ?? '?'} port ${req.socket.remotePort ?? '?'}`;
}

function refuse(socket: Duplex, status: number, text: string, log: string): void {
  logger.warn(`web: ${log}`);
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

function serveFile(files: Map<string, ClientFile>, req: IncomingMessage, res: ServerResponse): void {
  const file = req.method === 'GET' || req.method === 'HEAD' ? files.get(new URL(req.url ?? '/', 'https://gateway').pathname) : undefined;
  if (!file) {
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, { ...HEADERS, 'Content-Length': 0 }).end();
    return;
  }
  res.writeHead(200, { ...HEADERS, 'Content-Type': file.type, 'Content-Length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/** Every address is '::' (both families) where the host has IPv6, else '0.0.0.0'. */
async function listen(server: Server, options: GatewayOptions): Promise<void> {
  try {
    await listenOn(server, options.host, options.port);
  } catch (error) {
    if (options.host !== '::' || !isMissingFamily(error)) throw listenRefusal(error, 'the web port', options.host, options.port, WEB_PORT_HINT);
    await listenOn(server, '0.0.0.0', options.port).catch((again: unknown) => {
      throw listenRefusal(again, 'the web port', '0.0.0.0', options.port, WEB_PORT_HINT);
    });
  }
}

async function listenOn(server: Server, host: string, port: number): Promise<void> {
  server.listen({ host, port, exclusive: true });
  await once(server, 'listening');
}


async function closeAll(server: Server, wss: WebSocketServer, sessions: Set<() => void>): Promise<void> {
  for (const end of [...sessions]) end();
  wss.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
