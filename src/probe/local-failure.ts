/**
 * Why a connection tsvnc makes to a port on this machine failed here, before
 * reaching any server: then the server is not at fault, and saying "does not
 * answer" would send the user to the wrong place. Null for failures that are
 * the other end's (refused, reset, timed out).
 */
const LOCAL: Record<string, string> = {
  EADDRNOTAVAIL: 'no local port was free for the connection: every port of net.ipv4.ip_local_port_range is in use',
  EMFILE: 'tsvnc has no file descriptor left',
  ENFILE: 'the system has no file descriptor left',
  ENOBUFS: 'the kernel has no buffer space left',
  ENOMEM: 'the kernel has no memory left',
};

export interface LocalFailure {
  code: string;
  why: string;
  fix: string;
}

export function localConnectFailure(error: unknown): LocalFailure | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !Object.hasOwn(LOCAL, code)) return null;
  const fix = code === 'EADDRNOTAVAIL'
    ? 'close idle connections, which ss -tan lists, or widen net.ipv4.ip_local_port_range, then start again'
    : 'free some resources, then start again';
  return { code, why: LOCAL[code] ?? code, fix };
}
