import { readTcpTable, type TcpEntry } from '../proc/net-tcp.js';
import { readUnixTable, type UnixEntry } from '../proc/net-unix.js';
import { socketOwners } from '../proc/socket-owners.js';
import { readEphemeralConfig } from '../risks/port-range.js';
import { readSshdX11 } from '../risks/sshd-config.js';
import type { RiskInputs } from '../risks/display-risks.js';
import type { Config } from '../config/schema.js';
import type { ProcessInfo } from '../proc/process-info.js';
import { logger } from '../log.js';
import { TsvncError } from '../errors.js';

/**
 * What every display's probe shares, read at most once per run so probing
 * :1-:99 costs one pass over /proc rather than ninety-nine.
 */
export interface ProbeContext {
  tcpTable(): Promise<TcpEntry[]>;
  unixTable(): Promise<UnixEntry[]>;
  /** Socket inode to owning processes, from one scan of /proc/<pid>/fd, only when some holder must be named. */
  owners(): Promise<Map<number, ProcessInfo[]>>;
  risks: RiskInputs;
}

function fromProc<T>(path: string, read: () => Promise<T>): () => Promise<T> {
  return () =>
    read().catch((error: Error) => {
      throw new TsvncError('PROC_UNAVAILABLE', `cannot read ${path}: ${error.message}`, 'tsvnc needs Linux with /proc mounted');
    });
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => (cached ??= load());
}

export async function createProbeContext(config: Config): Promise<ProbeContext> {
  const tcpTable = once(fromProc('/proc/net/tcp', readTcpTable));
  const unixTable = once(fromProc('/proc/net/unix', readUnixTable));
  const owners = once(async () => {
    const inodes = new Set<number>();
    for (const entry of await tcpTable()) if (entry.inode !== 0) inodes.add(entry.inode);
    for (const entry of await unixTable()) if (entry.inode !== 0) inodes.add(entry.inode);
    return socketOwners(inodes);
  });
  const [ephemeral, sshd] = await Promise.all([
    readEphemeralConfig().catch((error: Error) => {
      logger.warn(`cannot read the ephemeral port range, not checking it: ${error.message}`);
      return null;
    }),
    readSshdX11(config.sshdConfig),
  ]);
  return { tcpTable, unixTable, owners, risks: { ephemeral, sshd, config } };
}
