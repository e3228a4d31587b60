/** The X server's lock file: the pid as `printf("%10d\n", pid)`, 11 bytes. */

export const LOCK_FILE_SIZE = 11;

export function formatLock(pid: number): string {
  return `${String(pid).padStart(10, ' ')}\n`;
}

/**
 * Returns the pid, or null for content that names no process. Whitespace is
 * tolerated because other tools write the pid without padding. The X server
 * refuses a display whose lock it cannot parse, so callers treat null as
 * blocking, not stale.
 */
export function parseLock(content: string): number | null {
  const match = /^\s*(\d{1,10})\s*$/.exec(content);
  if (!match?.[1]) return null;
  const pid = Number(match[1]);
  return pid > 0 && pid <= 4_194_304 ? pid : null;
}
