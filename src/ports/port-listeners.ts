import { TsvncError } from '../errors.js';
import { readTcpTable } from '../proc/net-tcp.js';
import { socketOwners } from '../proc/socket-owners.js';
import { entriesOnPort, holdersOf } from './port-holders.js';

/** Who listens on a TCP port, from the kernel's tables, as one phrase each: "Xvnc (pid 12) on 127.0.0.1:5801". */
async function portListeners(port: number): Promise<string[]> {
  const entries = entriesOnPort(await readTcpTable(), port).filter((e) => e.state === 'LISTEN');
  const holders = holdersOf(entries, await socketOwners(new Set(entries.map((e) => e.inode).filter((i) => i !== 0))));
  return [...new Set(holders.map((h) => (h.pid === null ? `another user's socket on ${h.local}` : `${h.command ?? '?'} (pid ${h.pid}) on ${h.local}`)))];
}

/** A DISPLAY_BUSY from listening on `port`, said again of `what` with who holds it; any other error as it was. */
export async function withHolders(error: unknown, port: number, what: string, hint: string): Promise<never> {
  if (!(error instanceof TsvncError) || error.code !== 'DISPLAY_BUSY') throw error;
  throw new TsvncError('DISPLAY_BUSY', `${what} is ${await inUseBy(port)}`, hint, { cause: error });
}

/** "in use" with its holders, for a port tsvnc listens on for a desktop. */
export async function inUseBy(port: number): Promise<string> {
  const who = await portListeners(port);
  return who.length > 0 ? `in use by ${who.join(', ')}` : 'in use';
}
