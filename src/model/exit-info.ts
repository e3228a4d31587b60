/** How a process ended, as a session keeps it and the restart policy judges it. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: string;
  /** Why it could not even be started, e.g. ENOENT. */
  error?: string;
}
