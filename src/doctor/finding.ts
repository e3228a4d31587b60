type Severity = 'error' | 'warning' | 'info';

type Cause =
  | 'live-server' | 'tsvnc-desktop' | 'lock-held' | 'suspect-file'
  | 'port-listener' | 'port-outgoing' | 'port-unknown' | 'time-wait' | 'x11-port'
  | 'unix-socket' | 'abstract-socket'
  | 'stale-lock' | 'stale-socket' | 'stale-temp-lock'
  | 'ephemeral-range' | 'sshd-x11-forwarding' | 'port-overlap' | 'reserved';

/** One thing a sysadmin can act on: what is wrong, in a sentence, and the exact fix. */
export interface Finding {
  display: number | null;
  cause: Cause;
  severity: Severity;
  message: string;
  fix: string;
}

export type NameOf = (uid: number | null | undefined) => string | null;

export function who(command: string | null, pid: number | null, uid: number | null | undefined, nameOf: NameOf): string {
  const user = nameOf(uid);
  const details = [pid === null ? null : `pid ${pid}`, user === null ? null : `user ${user}`].filter(Boolean).join(', ');
  const name = command === null ? 'a process' : command.length > 80 ? `${command.slice(0, 77)}...` : command;
  return details ? `${name} (${details})` : name;
}
