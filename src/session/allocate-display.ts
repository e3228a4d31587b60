import { TsvncError } from '../errors.js';
import { lockPath } from '../display/display-number.js';
import { claimXLock } from '../lock/claim-x-lock.js';
import type { Config } from '../config/schema.js';
import type { Level } from '../log.js';
import { createProbeContext, type ProbeContext } from '../probe/probe-context.js';
import { probeDisplay } from '../probe/probe-display.js';
import { displayRange, probeMany } from '../probe/probe-many.js';
import type { ProbeOptions, ProbeResult } from '../model/probe-result.js';
import { blocks, displayFindings } from '../doctor/display-findings.js';
import { passwdNames } from '../doctor/users.js';

export interface AllocationRequest {
  requested: number | undefined;
  probe: ProbeOptions;
  config: Config;
  /** Displays this daemon already has sessions on. */
  ours: ReadonlySet<number>;
  /** Displays held for someone else, with whom: skipped when choosing, never refused when asked for. */
  heldFor?: ReadonlyMap<number, string>;
  log: (level: Level, message: string) => void;
  /** False for a dry run: judge the displays, claim nothing. */
  claim?: boolean;
  /** Each display passed over on the way, with why. */
  onSkip?: (display: number, reason: string) => void;
}

/** The probe's first blocking cause as one sentence, with its fix. */
export function busyReason(result: ProbeResult): { message: string; fix: string } {
  const finding = displayFindings(result, passwdNames()).find(blocks);
  return finding ?? { message: `:${result.display} is taken`, fix: `tsvnc doctor :${result.display} explains it` };
}

export function holderText(holder: Awaited<ReturnType<typeof claimXLock>>): string {
  if (holder.claimed) return '';
  const h = holder.holder;
  return h.state === 'live' ? `pid ${h.pid}${h.command ? ` (${h.command})` : ''} took it first` : h.why;
}

async function explicit(n: number, req: AllocationRequest, probe: (n: number) => Promise<ProbeResult>): Promise<number> {
  if (req.ours.has(n)) throw new TsvncError('DISPLAY_BUSY', `:${n} is already one of your sessions`, 'tsvnc list shows it; tsvnc kill :N stops it');
  const result = await probe(n);
  if (!result.free) {
    const { message, fix } = busyReason(result);
    throw new TsvncError('DISPLAY_BUSY', message, `${fix}; or leave out :${n} and tsvnc picks a free display`);
  }
  for (const risk of result.risks) req.log('warn', `:${n}: ${risk.detail}`);
  if (req.claim === false) return n;
  const claim = await claimXLock(lockPath(n), process.pid);
  if (claim.claimed) return n;
  if (claim.holder.state === 'live') throw new TsvncError('DISPLAY_BUSY', `:${n} was taken while tsvnc claimed it: ${holderText(claim)}`, 'try again, or leave out :N');
  throw new TsvncError('DISPLAY_BUSY', `:${n} cannot be claimed: ${holderText(claim)}`, `tsvnc doctor :${n} explains it; or leave out :${n} and tsvnc picks a free display`);
}

/** After the first candidate, this many are probed at once. */
const BATCH = 24;

/**
 * Probe results for candidates taken in order: the first alone (it is
 * usually free), then batches in parallel, so skipping 39 taken displays
 * costs a few batches rather than 39 probes one after another (each taken
 * one needs its holders looked up).
 */
function probesAhead(candidates: readonly number[], options: ProbeOptions, ctx: ProbeContext): (n: number) => Promise<ProbeResult> {
  const pending = new Map<number, Promise<ProbeResult>>();
  let next = 0;
  return (n) => {
    if (!pending.has(n)) {
      const batch = candidates.slice(next, next + (next === 0 ? 1 : BATCH));
      next += batch.length;
      const results = probeMany(batch, options, ctx);
      batch.forEach((d, i) => {
        const result = results.then((r) => r[i] as ProbeResult);
        // A display past the chosen one is never awaited: its failure must not surface as unhandled.
        result.catch(() => undefined);
        pending.set(d, result);
      });
    }
    return pending.get(n) as Promise<ProbeResult>;
  };
}

/**
 * The display to start on, with its X lock claimed for this daemon (only
 * judged, for a dry run). Asked for one, exactly that or a DISPLAY_BUSY
 * error with the probe's reason; otherwise the lowest free display with no
 * risk, saying why each lower one was skipped. The lock's link() decides races with other users and servers.
 */
export async function allocateDisplay(req: AllocationRequest): Promise<number> {
  const ctx = await createProbeContext(req.config);
  const probe = (n: number) => probeDisplay(n, req.probe, ctx);
  if (req.requested !== undefined) return explicit(req.requested, req, probe);
  const [first, last] = req.config.displayRange;
  const skip = (n: number, reason: string) => {
    req.log('info', `skipped :${n}: ${reason}`);
    req.onSkip?.(n, reason);
  };
  const ahead = probesAhead(displayRange(first, last).filter((n) => !req.ours.has(n) && !req.heldFor?.has(n)), req.probe, ctx);
  for (let n = first; n <= last; n++) {
    if (req.ours.has(n)) {
      skip(n, 'it is one of your sessions');
      continue;
    }
    const held = req.heldFor?.get(n);
    if (held !== undefined) {
      skip(n, held);
      continue;
    }
    const result = await ahead(n);
    if (!result.free) {
      skip(n, busyReason(result).message);
      continue;
    }
    if (result.risks.length > 0) {
      skip(n, result.risks.map((r) => r.detail).join('; '));
      continue;
    }
    if (req.claim === false) return n;
    const claim = await claimXLock(lockPath(n), process.pid);
    if (claim.claimed) return n;
    skip(n, holderText(claim));
  }
  throw new TsvncError('NO_FREE_DISPLAY', `no free display from :${first} to :${last}`, 'tsvnc doctor explains each one');
}
