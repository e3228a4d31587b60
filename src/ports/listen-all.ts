import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { TsvncError } from '../errors.js';
import { isPrivilegedPort, privilegedPort } from './bind-test.js';

/** Every address this host has, as Xtigervnc binds them: one that is missing (no IPv6) is left out, one in use fails them all. */
export async function listenAll(hosts: readonly string[], port: number, what: string, onConnection: (socket: Socket) => void): Promise<Server[]> {
  const servers: Server[] = [];
  const missing: Error[] = [];
  try {
    for (const host of hosts) {
      const server = createServer({ noDelay: true }, onConnection);
      // The first server's port for the rest: port 0 (tests) picks one for all.
      const bound = servers[0]?.address();
      const at = port === 0 && typeof bound === 'object' && bound ? bound.port : port;
      server.listen({ host, port: at, exclusive: true, ipv6Only: host.includes(':') });
      try {
        await once(server, 'listening');
        servers.push(server);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') missing.push(error as Error);
        else if (code === 'EADDRINUSE') throw new TsvncError('DISPLAY_BUSY', `${what} ${host} port ${at} is in use`, 'free it, or start the desktop on another display', { cause: error });
        else if (code === 'EACCES' && isPrivilegedPort(at)) throw privilegedPort(at, error);
        else throw new TsvncError('INTERNAL', `cannot listen on ${host} port ${at} for ${what}: ${(error as Error).message}`, undefined, { cause: error });
      }
    }
    if (servers.length === 0) throw new TsvncError('INTERNAL', `cannot listen on port ${port} for ${what}: ${missing.map((e) => e.message).join('; ')}`);
    return servers;
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
}
