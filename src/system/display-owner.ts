import { lockPath } from '../display/display-number.js';
import { inspectLock } from '../lock/inspect-lock.js';
import { identify, type ProcessIdentity } from '../proc/process-identity.js';
import type { SessionSummary } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';

/** Who holds a display, from the kernel alone: the X lock's file owner, and the uid of the process it names. */
export type KernelOwner =
  | { kind: 'free' }
  | { kind: 'user'; uid: number; pid: number; holder: ProcessIdentity | null }
  | { kind: 'unclear'; why: string };

export async function kernelOwner(display: number): Promise<KernelOwner> {
  const lock = await inspectLock(lockPath(display));
  if (lock.state === 'absent' || lock.state === 'stale') return { kind: 'free' };
  if (lock.state === 'suspect') return { kind: 'unclear', why: lock.why };
  if (lock.uid !== lock.fileUid) {
    const runs = lock.uid === null ? 'which cannot be seen' : `which runs as uid ${lock.uid}`;
    return { kind: 'unclear', why: `${lockPath(display)} is uid ${lock.fileUid}'s but names pid ${lock.pid}, ${runs}` };
  }
  return { kind: 'user', uid: lock.fileUid, pid: lock.pid, holder: await identify(lock.pid) };
}

/**
 * Why a user daemon's report of one of its sessions does not match the
 * kernel, or null when it does: a claim on a display locked by someone
 * else, or by no one, is that daemon's word only.
 */
export function claimConflict(session: SessionSummary, uid: number, kernel: KernelOwner, name: (uid: number) => string): string | null {
  if (!isAlive(session.state)) return null;
  const display = `:${session.display}`;
  if (kernel.kind === 'unclear') return kernel.why;
  if (kernel.kind === 'free') return `no X server holds ${display}`;
  if (kernel.uid !== uid) return `${display}'s X lock is ${name(kernel.uid)}'s`;
  if (session.state === 'running' && session.pid !== kernel.pid) return `${display}'s X lock names pid ${kernel.pid}, not ${session.pid ?? '-'}`;
  return null;
}
