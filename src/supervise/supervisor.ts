import { removeIfPresent } from '../tmp/safe-tmp.js';
import { logger } from '../log.js';
import type { SessionStore } from '../state/session-store.js';
import { removeFromUserXauthority } from '../xauth/user-xauthority.js';
import { isRunning, sameProcess } from '../proc/process-identity.js';
import type { ExitInfo, SessionRecord } from '../model/session-record.js';
import { startSession, keepReserved, ourPids, type Started } from '../session/start-session.js';
import { programProcesses, terminate, waitGone } from '../session/stop-process.js';
import { releaseDisplay } from '../session/release-display.js';
import { exitText, failureSummary } from '../session/failure-summary.js';
import { watchServer, watchExit } from '../session/watch-process.js';
import { desktopProcesses } from '../session/desktop-processes.js';
import type { XConnection } from '../x11/x-connection.js';
import { TsvncError } from '../errors.js';
import { BACKOFF_BASE_MS, backoffMs, decide, isFailure, recordFailure, wantsRestart } from '../model/restart-policy.js';
import { displayBlocker } from './display-blocker.js';

export interface Live {
  record: SessionRecord;
  /** Set while `kill` or autokill ends the session, so its exits are not taken for crashes. */
  stopping: Promise<void> | null;
  /** Until a starting session is up, a kill waits for it rather than racing it. */
  ready?: Promise<unknown>;
  /** A pending restart. */
  timer?: NodeJS.Timeout;
  /** Restart attempts that found the display's ports taken, for their backoff. */
  waits?: number;
  /** The authorized connection to our own server (see x-connection.ts). */
  x?: XConnection;
  /** A save that failed (full disk): retried until it works. */
  saveRetry?: NodeJS.Timeout;
  saveFailures?: number;
}

/**
 * A session program that exits because its X server died (Xsession does)
 * is no logout: the server's death decides. Its exit can be seen first,
 * or in the same /proc poll, so the server gets this long to be seen gone.
 */
const DIES_WITH_SERVER_MS = 300;

/**
 * What happens to a session after it started: its server's exits (restart
 * on the same display and port under the session's policy, backing off, up
 * to a crash loop), its session program's exit (autokill), and stopping it.
 */
export class Supervisor {
  readonly sessions = new Map<number, Live>();
  private readonly watchers = new AbortController();

  constructor(private readonly store: SessionStore, private readonly host: string) {}

  /**
   * Watches a session's server and program: exit events for our children,
   * /proc for adopted ones. An exit counts only while that process is still
   * the session's: an adopted program stopped by a restart is seen gone up
   * to half a second later, when the session already runs its successor.
   */
  supervise(live: Live, started: Pick<Started, 'serverExited' | 'programExited'> & { x?: XConnection }): void {
    const { server, program } = live.record;
    live.x = started.x;
    this.react(started.serverExited, async (info) => {
      if (sameProcess(live.record.server, server)) await this.onServerExit(live, info);
    });
    const programExited = started.programExited;
    if (programExited) {
      this.react(programExited, async (info) => {
        if (sameProcess(live.record.program, program)) await this.onProgramExit(live, info);
      });
    }
  }

  adopt(live: Live): void {
    const { record } = live;
    if (!record.server) return;
    this.supervise(live, {
      serverExited: watchServer(record.server, record.display, record.authFile, this.watchers.signal),
      programExited: record.program ? watchExit(record.program, this.watchers.signal) : null,
    });
  }

  private current(live: Live): boolean {
    return !live.stopping && this.sessions.get(live.record.display) === live;
  }

  private async onServerExit(live: Live, info: ExitInfo): Promise<void> {
    if (!this.current(live)) return;
    const { record } = live;
    const dead = record.server;
    record.lastExit = info;
    const how = info.error ? 'could not start' : info.code === null && info.signal === null ? 'ended' : isFailure(info) ? 'failed' : 'exited';
    const why = `the X server ${how}${info.error ? `: ${info.error}` : await failureSummary(record.log, info)}`;
    const policy = record.options.restart;
    if (!wantsRestart(policy.mode, info)) return this.finish(live, isFailure(info) ? 'failed' : 'stopped', why);
    record.failures = recordFailure(record.failures, Date.now(), policy);
    const decision = decide(record.failures, policy);
    if (decision.action === 'give-up') return this.finish(live, 'failed', `${decision.reason}; last: ${why}`);
    record.state = 'restarting';
    record.reason = `${why}; restarting${decision.delayMs > 0 ? ` in ${decision.delayMs / 1000} s` : ''}`;
    logger.warn(`:${record.display}: ${record.reason}`);
    // Only the session program's own session: what the user detached from the
    // desktop (a nohup'd computation) outlives a server crash, as it would
    // under vncserver; kill and the end of the desktop still find it by its tag.
    await this.endProgram(record, 'session');
    await keepReserved(record.display, ourPids(dead));
    record.server = null;
    this.schedule(live, decision.delayMs);
    await this.save(live);
  }

  private schedule(live: Live, delayMs: number): void {
    live.timer = setTimeout(() => {
      this.respawn(live).catch((error: Error) => logger.error(`:${live.record.display}: restart failed: ${error.stack ?? error.message}`));
    }, delayMs);
  }

  /** Same display, same port, or wait: a session never wanders to another display. */
  private async respawn(live: Live): Promise<void> {
    if (!this.current(live)) return;
    const { record } = live;
    const blocker = await displayBlocker(record.display, record.options);
    if (blocker !== null) return this.waitFor(live, blocker);
    let started: Started;
    try {
      // Strict saves here: a server is started only once its record can say so.
      started = await startSession(record, this.host, (r) => this.store.save(r));
    } catch (error) {
      // A full state directory is no server failure: wait for space, as for a taken port.
      if (error instanceof TsvncError && error.code === 'STATE_WRITE_FAILED') return this.waitFor(live, error.message);
      return this.onServerExit(live, { code: null, signal: null, at: new Date().toISOString(), error: (error as Error).message });
    }
    live.waits = 0;
    record.restarts += 1;
    await this.save(live);
    logger.info(`:${record.display} restarted (server pid ${record.server?.pid}, restart ${record.restarts})`);
    this.supervise(live, started);
  }

  /** Taken ports or a full state directory: try again later, backing off, on the same display. */
  private async waitFor(live: Live, why: string): Promise<void> {
    const { record } = live;
    live.waits = (live.waits ?? 0) + 1;
    const delay = backoffMs(live.waits + 1);
    record.reason = `waiting for :${record.display}: ${why}; next try in ${delay / 1000} s`;
    logger.warn(`:${record.display}: ${record.reason}`);
    this.schedule(live, delay);
    await this.save(live);
  }

  /**
   * Saves the session's state; a failure (a full disk) does not stop
   * supervision: it is logged and retried, backing off, until a save works.
   */
  private async save(live: Live): Promise<void> {
    clearTimeout(live.saveRetry);
    try {
      await this.store.save(live.record);
      live.saveFailures = 0;
    } catch (error) {
      live.saveFailures = (live.saveFailures ?? 0) + 1;
      logger.warn(`:${live.record.display}: ${(error as Error).message}; trying again`);
      if (this.sessions.get(live.record.display) === live && !this.watchers.signal.aborted) {
        live.saveRetry = setTimeout(() => void this.save(live), Math.max(backoffMs(live.saveFailures + 1), BACKOFF_BASE_MS));
      }
    }
  }

  private async onProgramExit(live: Live, info: ExitInfo): Promise<void> {
    // A logout, not a crash: never restarted.
    if (!this.current(live) || live.record.state !== 'running') return;
    const { record } = live;
    // Unless it died with its server (Xsession does): then the server's death decides.
    if (record.server && (await waitGone([record.server], DIES_WITH_SERVER_MS))) return;
    if (!this.current(live) || record.state !== 'running') return;
    logger.info(`:${record.display}: the session program ended (${exitText(info)})${record.options.autokill ? '; ending the session' : ''}`);
    // Without autokill the leader's identity stays: kill still finds what it left in its session.
    if (record.options.autokill) await this.stop(record.display, false);
  }

  /** The session program's session, and unless only that is asked for, whatever else carries the desktop's tag (daemons that left the session). */
  private async endProgram(record: SessionRecord, reach: 'session' | 'desktop' = 'desktop'): Promise<void> {
    if (reach === 'desktop') await terminate(await desktopProcesses(record));
    else if (record.program) await terminate(await programProcesses(record.program));
    record.program = null;
  }

  /** A session that stays listed as failed or stopped until killed or started again. */
  private async finish(live: Live, state: 'failed' | 'stopped', reason: string): Promise<void> {
    const { record } = live;
    record.state = state;
    record.reason = reason;
    logger.warn(`:${record.display}: ${reason}`);
    await this.endProgram(record);
    await this.cleanUp(record);
    await this.save(live);
  }

  async stop(display: number, clean: boolean): Promise<void> {
    await this.sessions.get(display)?.ready;
    const live = this.sessions.get(display);
    if (!live) return;
    live.stopping ??= this.end(live, clean).catch((error: unknown) => {
      // The next kill tries again rather than waiting on this failure forever.
      live.stopping = null;
      throw error;
    });
    await live.stopping;
  }

  /** SIGTERM to everything the desktop started (its program's session, its tag) and to the server, SIGKILL after a bounded wait, then every file. */
  private async end(live: Live, clean: boolean): Promise<void> {
    clearTimeout(live.timer);
    clearTimeout(live.saveRetry);
    const { record } = live;
    await Promise.all([terminate(await desktopProcesses(record)), record.server ? terminate([record.server]) : undefined]);
    await this.cleanUp(record);
    await this.store.remove(record.display);
    if (clean && record.log !== '') await removeIfPresent(record.log);
    this.sessions.delete(record.display);
    logger.info(`:${record.display} stopped`);
  }

  private async cleanUp(record: SessionRecord): Promise<void> {
    await releaseDisplay(record.display, ourPids(record.server));
    if (record.authFile !== '') await removeIfPresent(record.authFile);
    if (record.xauthority !== '') await removeFromUserXauthority(record.xauthority, this.host, record.display).catch((error: Error) => logger.warn(`:${record.display}: ${error.message}`));
  }

  /** A session an earlier daemon left, in whatever state it was. */
  async takeOver(record: SessionRecord): Promise<void> {
    const live: Live = { record, stopping: null };
    this.sessions.set(record.display, live);
    if (record.state === 'starting') {
      logger.warn(`:${record.display} was still starting when the previous daemon stopped; stopping it`);
      return this.stop(record.display, false);
    }
    if (record.state !== 'running' && record.state !== 'restarting') return;
    if (record.server && (await isRunning(record.server))) {
      record.state = 'running';
      this.adopt(live);
      logger.info(`:${record.display}: adopted server pid ${record.server.pid}`);
    } else if (record.state === 'restarting') {
      this.schedule(live, 0);
    } else {
      await this.onServerExit(live, { code: null, signal: null, at: new Date().toISOString() });
    }
  }

  /** Runs `then` when an exit arrives, unless the daemon is stopping; a failure there is logged, never a daemon crash. */
  private react(exit: Promise<ExitInfo>, then: (info: ExitInfo) => Promise<void>): void {
    exit
      .then((info) => (this.watchers.signal.aborted ? undefined : then(info)))
      .catch((error: Error) => logger.error(`handling an exit failed: ${error.stack ?? error.message}`));
  }

  /** Stops watching and restarting; the sessions keep running for the next daemon. */
  close(): void {
    this.watchers.abort();
    for (const live of this.sessions.values()) {
      clearTimeout(live.timer);
      clearTimeout(live.saveRetry);
      live.x?.close();
    }
  }
}
