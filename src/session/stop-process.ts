import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, PROC, sessionMembers, type ProcessIdentity, type ProcReader } from '../proc/process-identity.js';

const POLL_MS = 25;
export const TERM_GRACE_MS = 5_000;
const KILL_GRACE_MS = 2_000;

/** Signals only the process we started: a pid whose start time changed belongs to someone else now. */
export async function signalIfSame(id: ProcessIdentity, signal: NodeJS.Signals): Promise<boolean> {
  if (!(await isRunning(id))) return false;
  try {
    process.kill(id.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Bounded wait for the processes to end (a zombie has ended). */
export async function waitGone(ids: readonly ProcessIdentity[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const alive = await Promise.all(ids.map(isRunning));
    if (!alive.includes(true)) return true;
    await delay(POLL_MS);
  }
  return false;
}

/** SIGTERM, then SIGKILL after a bounded wait, as s6 and systemd do. */
export async function terminate(ids: readonly ProcessIdentity[]): Promise<void> {
  const signalled = (await Promise.all(ids.map((id) => signalIfSame(id, 'SIGTERM').then((sent) => (sent ? id : null))))).filter((id) => id !== null);
  if (signalled.length === 0 || (await waitGone(signalled, TERM_GRACE_MS))) return;
  await Promise.all(signalled.map((id) => signalIfSame(id, 'SIGKILL')));
  await waitGone(signalled, KILL_GRACE_MS);
}

/**
 * Everything left of a session program: its session (setsid made its pid the
 * session id). The kernel does not reuse a pid while it still names a
 * session with members, so if the leader's pid now runs another program, the
 * old session is empty.
 */
export async function programProcesses(leader: ProcessIdentity, proc: ProcReader = PROC): Promise<ProcessIdentity[]> {
  const now = await proc.stat(leader.pid);
  if (now !== null && now.startTicks !== leader.startTicks) return [];
  return sessionMembers(leader.pid, proc);
}
