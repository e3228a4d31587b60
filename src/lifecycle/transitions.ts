import type { ExitInfo, SessionRecord } from '../model/session-record.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import { backoffMs, decide, isFailure, recordFailure, wantsRestart, type RestartPolicy } from '../model/restart-policy.js';

/**
 * What the transitions read and write of a session. A running phase
 * carries its server, so no transition reaches running without one; a
 * session that does not run says why.
 */
export type Phase = {
  display: number;
  /** Server failures (epoch ms) inside the restart window. */
  failures: readonly number[];
  /** Restart attempts in a row that found the display taken or the state directory full. */
  waits: number;
  restarts: number;
} & (
  | { state: 'starting'; reason: null }
  | { state: 'running'; reason: null; server: ProcessIdentity }
  | { state: 'restarting' | 'failed' | 'stopped'; reason: string }
);

/** What the transitions see of a session. */
export function phaseOf(record: SessionRecord, waits: number): Phase {
  const common = { display: record.display, failures: record.failures, restarts: record.restarts, waits };
  switch (record.state) {
    case 'running': return { ...common, state: record.state, reason: null, server: record.server };
    case 'starting': return { ...common, state: record.state, reason: null };
    default: return { ...common, state: record.state, reason: record.reason };
  }
}

/** The record in the transition's next phase: a running one with the phase's server. */
export function inPhase(record: SessionRecord, next: Phase): SessionRecord {
  const kept = { ...record, failures: [...next.failures], restarts: next.restarts };
  switch (next.state) {
    case 'running': return { ...kept, state: next.state, reason: null, server: next.server };
    case 'starting': return { ...kept, state: next.state, reason: null };
    default: return { ...kept, state: next.state, reason: next.reason };
  }
}

export type LifeEvent =
  /** The session's server ended; `why` is the sentence for it (with its log's last error). */
  | { type: 'server-exited'; info: ExitInfo; why: string; now: number; policy: RestartPolicy }
  /** A restart could not begin: the display's ports are taken, or the state directory is full. */
  | { type: 'restart-blocked'; why: string }
  | { type: 'restarted'; server: ProcessIdentity }
  /** The session program ended while the session ran. */
  | { type: 'program-exited'; ended: string; failed: boolean }
  /** ...and its server was given a moment to be seen dead too. */
  | { type: 'program-outlived-server'; serverGone: boolean; autokill: boolean; ended: string; failed: boolean }
  /** A record an earlier daemon left, with its server if it still runs. */
  | { type: 'taken-over'; liveServer: ProcessIdentity | null };

export type Effect =
  | { do: 'log'; level: 'info' | 'warn'; message: string }
  /** The session program's own session, or everything carrying the desktop's tag. */
  | { do: 'end-program'; reach: 'session' | 'desktop' }
  /** The lock back to the daemon and the dead server's socket file gone: the display stays ours. */
  | { do: 'keep-reserved' }
  | { do: 'release' }
  | { do: 'restart-in'; delayMs: number }
  | { do: 'save' }
  /** Wait a moment for the server to be seen gone, then send `program-outlived-server`. */
  | { do: 'confirm-logout'; ended: string; failed: boolean }
  /** End the desktop; with `failed`, it stays listed as failed with that reason. */
  | { do: 'stop'; failed?: string }
  | { do: 'adopt' }

  /** An earlier daemon's running server is gone: as if its exit were seen now. */
  | { do: 'exit-unseen' };

interface Step {
  next: Phase;
  effects: Effect[];
}

const stay = (phase: Phase): Step => ({ next: phase, effects: [] });

/** A session that stays listed as failed or stopped until killed or started again. */
function finish(phase: Phase, state: 'failed' | 'stopped', reason: string, failures = phase.failures): Step {
  return {
    next: { ...phase, state, reason, failures },
    effects: [{ do: 'log', level: 'warn', message: `:${phase.display}: ${reason}` }, { do: 'end-program', reach: 'desktop' }, { do: 'release' }, { do: 'save' }],
  };
}

function serverExited(phase: Phase, e: Extract<LifeEvent, { type: 'server-exited' }>): Step {
  if (!wantsRestart(e.policy.mode, e.info)) return finish(phase, isFailure(e.info) ? 'failed' : 'stopped', e.why);
  const failures = recordFailure(phase.failures, e.now, e.policy);
  const decision = decide(failures, e.policy);
  if (decision.action === 'give-up') return finish(phase, 'failed', `${decision.reason}; last: ${e.why}`, failures);
  const reason = `${e.why}; restarting${decision.delayMs > 0 ? ` in ${decision.delayMs / 1000} s` : ''}`;
  return {
    next: { ...phase, state: 'restarting', reason, failures },
    // Only the session program's own session: what the user detached from the
    // desktop (a nohup'd computation) outlives a server crash, as it would
    // under vncserver; kill and the end of the desktop still find it by its tag.
    effects: [
      { do: 'log', level: 'warn', message: `:${phase.display}: ${reason}` },
      { do: 'end-program', reach: 'session' }, { do: 'keep-reserved' }, { do: 'restart-in', delayMs: decision.delayMs }, { do: 'save' },
    ],
  };
}

/**
 * The session lifecycle in one place: starting → running ⇄ restarting →
 * failed | stopped. Pure: the lifecycle feeds it what it observed and
 * carries out the effects in order, so every path is testable without
 * processes or clocks.
 */
export function transition(phase: Phase, event: LifeEvent): Step {
  switch (event.type) {
    case 'server-exited':
      return serverExited(phase, event);
    case 'restart-blocked': {
      if (phase.state !== 'restarting') return stay(phase);
      // Same display, same port, or wait: a session never wanders to another display.
      const waits = phase.waits + 1;
      const delayMs = backoffMs(waits + 1);
      const reason = `waiting for :${phase.display}: ${event.why}; next try in ${delayMs / 1000} s`;
      return {
        next: { ...phase, reason, waits },
        effects: [{ do: 'log', level: 'warn', message: `:${phase.display}: ${reason}` }, { do: 'restart-in', delayMs }, { do: 'save' }],
      };
    }
    case 'restarted':
      return {
        next: { ...phase, state: 'running', reason: null, server: event.server, waits: 0, restarts: phase.restarts + 1 },
        effects: [{ do: 'save' }, { do: 'log', level: 'info', message: `:${phase.display} restarted (server pid ${event.server.pid}, restart ${phase.restarts + 1})` }],
      };
    case 'program-exited':
      // A logout, not a crash: never restarted; but only while the session runs.
      return phase.state === 'running' ? { next: phase, effects: [{ do: 'confirm-logout', ended: event.ended, failed: event.failed }] } : stay(phase);
    case 'program-outlived-server':
      // A program that died with its server (Xsession does) is no logout: the server's death decides.
      if (phase.state !== 'running' || event.serverGone) return stay(phase);
      // A program that failed is no quiet logout: the desktop ends, but list and status say why.
      if (event.autokill && event.failed) {
        const reason = `the session program failed (${event.ended}); the desktop was ended (autokill)`;
        return { next: phase, effects: [{ do: 'log', level: 'warn', message: `:${phase.display}: ${reason}` }, { do: 'stop', failed: reason }] };
      }
      return {
        next: phase,
        effects: [
          { do: 'log', level: 'info', message: `:${phase.display}: the session program ended (${event.ended})${event.autokill ? '; ending the session' : ''}` },
          // Without autokill the leader's identity stays: kill still finds what it left in its session.
          ...(event.autokill ? [{ do: 'stop' } as const] : []),
        ],
      };
    case 'taken-over':
      if (phase.state === 'starting') {
        return { next: phase, effects: [{ do: 'log', level: 'warn', message: `:${phase.display} was still starting when the previous daemon stopped; stopping it` }, { do: 'stop' }] };
      }
      if (phase.state !== 'running' && phase.state !== 'restarting') return stay(phase);
      if (event.liveServer) {
        const server = event.liveServer;
        return { next: { ...phase, state: 'running', reason: null, server }, effects: [{ do: 'adopt' }, { do: 'log', level: 'info', message: `:${phase.display}: adopted server pid ${server.pid}` }] };
      }
      return phase.state === 'restarting' ? { next: phase, effects: [{ do: 'restart-in', delayMs: 0 }] } : { next: phase, effects: [{ do: 'exit-unseen' }] };
  }
}
