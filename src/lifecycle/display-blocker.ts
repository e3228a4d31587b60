import { lockPath } from '../display/display-number.js';
import { claimXLock } from '../lock/claim-x-lock.js';
import { inspectLock } from '../lock/inspect-lock.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { createProbeContext } from '../probe/probe-context.js';
import { probeDisplay } from '../probe/probe-display.js';
import type { SessionOptions } from '../model/session-record.js';
import type { Reason } from '../model/probe-result.js';
import { busyReason, holderText } from '../session/allocate-display.js';

/**
 * Before a restart: what, other than this daemon's own lock, would stop the
 * server on `display`, as one sentence; null when nothing does. A lock left
 * by a dead earlier daemon is reclaimed for this one.
 */
export async function displayBlocker(display: number, options: SessionOptions): Promise<string | null> {
  const path = lockPath(display);
  const lock = await inspectLock(path);
  if (!(lock.state === 'live' && lock.pid === process.pid)) {
    const claim = await claimXLock(path, process.pid);
    if (!claim.claimed) return holderText(claim);
  }
  const ctx = await createProbeContext(DEFAULT_CONFIG);
  const result = await probeDisplay(display, { localhost: options.localhost, listenTcp: false, rfbPort: options.rfbPort }, ctx);
  // This daemon's own lock blocks nothing; with one-time passwords the server binds no TCP port (the daemon's door holds it, or reports who does).
  const blocks = (r: Reason) => r.blocking && !(r.kind === 'lock' && r.pid === process.pid) && !(r.kind === 'tcp' && r.role === 'rfb' && options.otp !== undefined);
  const reasons = result.reasons.filter(blocks);
  return reasons.length === 0 ? null : busyReason({ ...result, reasons }).message;
}
