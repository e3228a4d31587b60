import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { TsvncError } from '../errors.js';
import { isPrivilegedPort, privilegedPort } from './bind-test.js';

/** The port a listening server got (the one asked for, or the kernel's pick for port 0). */
export function boundPort(server: Server, asked: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : asked;
}

/** A family this host lacks (no IPv6): the server leaves such an address out. */
export function isMissingFamily(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}

/** Why `what` cannot listen on host and port, in one line: in use (DISPLAY_BUSY, with `busyHint`), privileged, or the system's error. */
export function listenRefusal(error: unknown, what: string, host: string, port: number, busyHint: string): TsvncError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new TsvncError('DISPLAY_BUSY', `${what} ${host} port ${port} is in use`, busyHint, { cause: error });
  if (code === 'EACCES' && isPrivilegedPort(port)) return privilegedPort(port, error);
  return new TsvncError('INTERNAL', `cannot listen on ${host} port ${port} (${what}): ${(error as Error).message}`, undefined, { cause: error });
}

/** Every address this host has, as Xtigervnc binds them: one that is missing (no IPv6) is left out, one in use fails them all. */
export async function listenAll(hosts: readonly string[], port: number, what: string, onConnection: (socket: Socket) => void): Promise<Server[]> {
  const servers: Server[] = [];
  const missing: Error[] = [];
  try {
    for (const host of hosts) {
      const server = createServer({ noDelay: true }, onConnection);
      // The first server's port for the rest: port 0 (tests) picks one for all.
      const at = servers[0] === undefined ? port : boundPort(servers[0], port);
      server.listen({ host, port: at, exclusive: true, ipv6Only: host.includes(':') });
      try {
        await once(server, 'listening');
        servers.push(server);
      } catch (error) {
        if (!isMissingFamily(error)) throw listenRefusal(error, what, host, at, 'free it, or start the desktop on another display');
        missing.push(error as Error);
      }
    }
    if (servers.length === 0) throw new TsvncError('INTERNAL', `cannot listen on port ${port} (${what}): ${missing.map((e) => e.message).join('; ')}`);
    return servers;
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
}
