import { createServer } from 'node:net';
import { TsvncError } from '../errors.js';

export type Family = 'ipv4' | 'ipv6';

export interface BindTarget {
  family: Family;
  address: string;
}

export interface BindResult extends BindTarget {
  port: number;
  /** busy: the server's own bind would fail; absent: the address family is not configured here, the server skips it too. */
  outcome: 'free' | 'busy' | 'absent';
  error?: string;
}

/** The addresses Xtigervnc binds for RFB: loopback with -localhost, else the wildcards, IPv6 always v6-only. */
export function bindTargets(localhost: boolean): BindTarget[] {
  return localhost
    ? [{ family: 'ipv4', address: '127.0.0.1' }, { family: 'ipv6', address: '::1' }]
    : [{ family: 'ipv4', address: '0.0.0.0' }, { family: 'ipv6', address: '::' }];
}

const ABSENT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);
const BUSY = new Set(['EADDRINUSE', 'EACCES']);

/**
 * Binds and listens exactly as the server will (libuv sets SO_REUSEADDR on
 * listening sockets, as Xtigervnc does), so a TIME_WAIT left by an earlier
 * server passes while one left by an outgoing connection does not.
 */
export function tryBind(target: BindTarget, port: number): Promise<BindResult> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'EUNKNOWN';
      // Anything else (EMFILE, ENOBUFS) says nothing about the port: it must not be reported as taken.
      if (ABSENT.has(code) || BUSY.has(code)) resolve({ ...target, port, outcome: ABSENT.has(code) ? 'absent' : 'busy', error: code });
      else reject(new TsvncError('INTERNAL', `cannot test port ${port} on ${target.address}: ${error.message}`));
    });
    server.listen({ host: target.address, port, ipv6Only: target.family === 'ipv6', exclusive: true }, () => {
      server.close(() => resolve({ ...target, port, outcome: 'free' }));
    });
  });
}

/** Below net.ipv4.ip_unprivileged_port_start, 1024 unless an admin moved it: an ordinary user may not listen there (EACCES). */
export function isPrivilegedPort(port: number): boolean {
  return port < 1024;
}

export function privilegedPort(port: number, cause: unknown): TsvncError {
  return new TsvncError('BAD_ARGUMENT', `port ${port} is a privileged port, which only root may listen on`, 'choose a port of 1024 or above', { cause });
}
