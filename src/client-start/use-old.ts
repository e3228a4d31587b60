import { TsvncError } from '../errors.js';
import { callDaemon, daemonRunning } from '../daemon/control-client.js';
import type { StatePaths } from '../state/state-dir.js';
import { hasSessionFiles } from '../state/state-dir.js';
import type { SessionSummary } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';
import type { ListedSession, StartRequest, StartResult, StatusResult } from '../daemon/protocol.js';
import { unlessGone } from './unless-gone.js';

/**
 * The user's live sessions. With `launch` false no daemon is started to
 * answer (a dry run changes nothing): without one running there are none
 * it could report.
 */
export async function activeSessions(paths: StatePaths, launch: boolean, all = false): Promise<SessionSummary[]> {
  if (!(await daemonRunning(paths)) && (!launch || !(await hasSessionFiles(paths)))) return [];
  return liveSessions(await callDaemon(paths, { op: 'list', all }));
}

/** Sessions that hold their display; a claim the kernel contradicts (list --all marks it) is no desktop to reuse. */
export function liveSessions(sessions: readonly ListedSession[]): ListedSession[] {
  return sessions.filter((s) => isAlive(s.state) && s.conflict === undefined);
}

/**
 * The session `--useold` reuses: the one on the display asked for, or
 * without one the user's only session. Several and no display is ambiguous,
 * as for vncserver -useold.
 */
export function pickOld(sessions: readonly SessionSummary[], display: number | undefined): SessionSummary | null {
  const matching = sessions.filter((s) => display === undefined || s.display === display);
  if (matching.length > 1) {
    throw new TsvncError('BAD_ARGUMENT', `--useold: you have ${matching.length} sessions (${matching.map((s) => `:${s.display}`).join(', ')})`, 'name the one to reuse: tsvnc start --useold :N');
  }
  return matching[0] ?? null;
}

/**
 * What --useold must not paper over: a desktop that lets in more than was
 * asked for (the regular password where one-time passwords only were asked
 * for) or lacks the browser access asked for. Other options (geometry,
 * depth) are the old desktop's, as with vncserver -useold.
 */
function weaker(asked: Pick<StartRequest, 'otp' | 'web'>, status: StatusResult): string | null {
  const { otp } = status.options;
  if (asked.otp === 'only' && !otp?.only) return otp ? 'also takes the regular password' : 'has no one-time passwords';
  if (asked.otp === 'yes' && otp === undefined) return 'has no one-time passwords';
  // What it is set to, not whether its gateway is open yet (a daemon that has just taken it over).
  if (asked.web === true && status.options.web === undefined) return 'is not served to browsers';
  return null;
}

/** The running session to reuse, shaped as start's result (with a new one-time password if it has them), or null when a new one should start. */
export async function findOld(paths: StatePaths, asked: Pick<StartRequest, 'display' | 'otp' | 'web'>): Promise<StartResult | null> {
  const { display } = asked;
  // Root asking for a display through the system daemon (tsvnc@:N.service) reuses whoever's session runs there.
  const old = pickOld(await activeSessions(paths, true, paths.system === true && display !== undefined), display);
  if (old === null) return null;
  // Ended between the two requests: then there is nothing to reuse.
  const status = await unlessGone(callDaemon(paths, { op: 'status', display: old.display }));
  if (status === null) return null;
  const why = weaker(asked, status);
  if (why !== null) {
    throw new TsvncError('DISPLAY_BUSY', `--useold: :${status.display} runs, but ${why}, unlike what was asked for`, `tsvnc kill :${status.display} and start it again, or ${asked.web === true && status.options.web === undefined ? `tsvnc web :${status.display}` : 'leave out --useold'}`);
  }
  const { options, programPid: _pid, lastLog: _log, notServed: _notServed, ...summary } = status;
  const otp = options.otp ? (await callDaemon(paths, { op: 'otp', display: status.display })).password : undefined;
  return { ...summary, localhost: options.localhost, options, reused: true, ...(otp === undefined ? {} : { otp }) };
}
