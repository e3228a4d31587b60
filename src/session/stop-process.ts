import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, PROC, sessionMembers, type ProcessIdentity, type ProcReader } from '../proc/process-identity.js';

const POLL_MS = 25;
export const TERM_GRACE_MS = 5_000;
const KILL_GRACE_MS = 2_000;

/** What stopping does to processes and time: the system's, or a test's (fake processes, a fake clock). */
export interface StopOs {
  isRunning(id: ProcessIdentity): Promise<boolean>;
  kill(pid: number, signal: NodeJS.Signals): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM: StopOs = {
  isRunning,
  kill: (pid, signal) => process.kill(pid, signal),
  now: () => Date.now(),
  sleep: async (ms) => void (await delay(ms)),
};

/** Signals only the process we started: a pid whose start time changed belongs to someone else now. */
export async function signalIfSame(id: ProcessIdentity, signal: NodeJS.Signals, os: StopOs = SYSTEM): Promise<boolean> {
  if (!(await os.isRunning(id))) return false;
  try {
    os.kill(id.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Bounded wait for the processes to end (a zombie has ended): polls until `timeoutMs` has passed on the clock. */
export async function waitGone(ids: readonly ProcessIdentity[], timeoutMs: number, os: StopOs = SYSTEM): Promise<boolean> {
  const deadline = os.now() + timeoutMs;
  while (os.now() < deadline) {
    const alive = await Promise.all(ids.map((id) => os.isRunning(id)));
    if (!alive.includes(true)) return true;
    await os.sleep(POLL_MS);
  }
  return false;
}

/**
 * SIGTERM, then SIGKILL after a bounded wait, as s6 and systemd do. The
 * whole call is bounded: at most TERM_GRACE_MS for SIGTERM to work, then
 * KILL_GRACE_MS for the kernel to reap what SIGKILL hit (plus one poll
 * each). SIGKILL goes only to what SIGTERM reached and still runs, checked
 * by pid and start time again right before it is sent.
 */
export async function terminate(ids: readonly ProcessIdentity[], os: StopOs = SYSTEM): Promise<void> {
  const signalled = (await Promise.all(ids.map((id) => signalIfSame(id, 'SIGTERM', os).then((sent) => (sent ? id : null))))).filter((id) => id !== null);
  if (signalled.length === 0 || (await waitGone(signalled, TERM_GRACE_MS, os))) return;
  await Promise.all(signalled.map((id) => signalIfSame(id, 'SIGKILL', os)));
  await waitGone(signalled, KILL_GRACE_MS, os);
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
