/**
 * Whether the daemon's desktops get sessions of their own. A user's daemon
 * starts them setsid, so a closing terminal or the daemon's own end never
 * takes them down. A batch job's daemon keeps them in the job's session and
 * process group instead: that is how the scheduler finds and ends them, and
 * how a portal's `pgrep -s 0 Xvnc` finds the server. Set once when a job's
 * daemon starts: one daemon serves one scope for its whole life.
 */
let inCallersSession = false;

export function keepInCallersSession(): void {
  inCallersSession = true;
}

export function ownSessions(): boolean {
  return !inCallersSession;
}
