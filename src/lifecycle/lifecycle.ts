import { logger, type Level } from '../log.js';
import { sameProcess } from '../proc/process-identity.js';
import type { ExitInfo, ListedRecord, RunningRecord, SessionOptions, SessionRecord, StartingRecord } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';
import { ourPids, type Started } from './start-session.js';
import { exitText } from '../session/failure-summary.js';
import { isFailure, BACKOFF_BASE_MS, backoffMs } from '../model/restart-policy.js';
import { Mutex } from '../session/mutex.js';
import type { XConnection } from '../x11/x-connection.js';
import { TsvncError } from '../errors.js';
import type { LifecycleDeps, Watched } from './lifecycle-deps.js';
import { inPhase, phaseOf, transition, type Effect, type LifeEvent } from './transitions.js';

type Log = (level: Level, message: string) => void;

/** An entry of the table: a session, or a damaged file listed until killed. */
interface Entry<R extends ListedRecord = ListedRecord> {
  record: R;
  /** Set while `kill` or autokill ends the session, so its exits are not taken for crashes. */
  stopping: Promise<void> | null;
  /** Until a starting session is up, a kill waits for it rather than racing it. */
  ready?: Promise<unknown>;
  /** A pending restart. */
  timer?: unknown;
  /** Restart attempts that found the display's ports taken, for their backoff. */
  waits: number;
  /** The authorized connection to our own server (see x-connection.ts). */
  x?: XConnection;
  /** A save that failed (full disk): retried until it works. */
  saveRetry?: unknown;
  saveFailures: number;
}

/** A session the lifecycle supervises: every entry but a damaged file. */
type Live = Entry<SessionRecord>;

const isSession = (entry: Entry): entry is Live => entry.record.state !== 'damaged';

/** How a fresh start gets its display and then its record. */
export interface FreshStart {
  /** Chooses and claims a display other than `ours`. */
  allocate(ours: ReadonlySet<number>): Promise<number>;
  record(display: number): StartingRecord;
}

/**
 * A session program that exits because its X server died (Xsession does)
 * is no logout: the server's death decides. Its exit can be seen first,
 * or in the same /proc poll, so the server gets this long to be seen gone.
 */
const DIES_WITH_SERVER_MS = 300;

/**
 * The one owner of the daemon's sessions: the table, and everything that
 * changes an entry (start, supervision of the server's and the program's
 * exits, restarts on the same display and port, adoption, stop). What
 * each observation leads to is decided by `transition`; this class only
 * observes and carries out its effects through the injected I/O.
 */
export class Lifecycle {
  private readonly sessions = new Map<number, Entry>();
  private readonly watchers = new AbortController();
  private readonly allocation = new Mutex();

  constructor(private readonly deps: LifecycleDeps) {}

  records(): ListedRecord[] {
    return [...this.sessions.values()].map((live) => live.record).sort((a, b) => a.display - b.display);
  }

  get(display: number): ListedRecord | undefined {
    return this.sessions.get(display)?.record;
  }

  /** Failed and stopped sessions stay listed until killed or started again on their display. */
  private activeDisplays(): Set<number> {
    return new Set(this.records().filter((r) => r.state !== 'damaged' && isAlive(r.state)).map((r) => r.display));
  }

  async start(plan: FreshStart, log: Log): Promise<RunningRecord> {
    const { os, store } = this.deps;
    const { live, record } = await this.allocation.run(async () => {
      const display = await plan.allocate(this.activeDisplays());
      let record: StartingRecord;
      try {
        record = plan.record(display);
      } catch (error) {
        await os.releaseDisplay(display, [process.pid]);
        throw error;
      }
      // Listed as `starting` from here, with no server yet.
      const live: Live = fresh(record);
      this.sessions.set(display, live);
      return { live, record };
    });
    const { display } = record;
    let started: Started;
    try {
      const starting = this.deps.spawn(record, async (saved) => {
        live.record = saved;
        await store.save(saved);
      });
      live.ready = starting.catch(() => undefined);
      started = await starting;
    } catch (error) {
      this.sessions.delete(display);
      // The start's own error is the one to report, even when the state directory cannot be written.
      await store.remove(display).catch((e: Error) => logger.warn(`:${display}: ${e.message}`));
      await os.releaseDisplay(display, [process.pid]);
      throw error;
    }
    live.record = started.record;
    this.supervise(live, started);
    await store.save(started.record);
    log('info', `:${display} is ready (server pid ${started.record.server.pid}, log ${started.record.log})`);
    return started.record;
  }

  /**
   * Watches a session's server and program: exit events for our children,
   * /proc for adopted ones. An exit counts only while that process is still
   * the session's: an adopted program stopped by a restart is seen gone up
   * to half a second later, when the session already runs its successor.
   */
  private supervise(live: Live, started: Watched & { x?: XConnection }): void {
    const { server, program } = live.record;
    live.x = started.x;
    this.react(started.serverExited, async (info) => {
      if (sameProcess(live.record.server, server)) await this.onServerExit(live, info);
    });
    const programExited = started.programExited;
    if (programExited) {
      this.react(programExited, async (info) => {
        if (sameProcess(live.record.program, program) && this.current(live)) await this.on(live, { type: 'program-exited', ended: exitText(info), failed: isFailure(info) });
      });
    }
  }

  private current(live: Live): boolean {
    return !live.stopping && this.sessions.get(live.record.display) === live;
  }

  /** One transition: its new phase into the record, then its effects in order. */
  private async on(live: Live, event: LifeEvent): Promise<void> {
    const { next, effects } = transition(phaseOf(live.record, live.waits), event);
    live.record = inPhase(live.record, next);
    live.waits = next.waits;
    for (const effect of effects) await this.perform(live, effect);
  }

  private async perform(live: Live, effect: Effect): Promise<void> {
    const { record } = live;
    const { os, clock } = this.deps;
    switch (effect.do) {
      case 'log': return void logger[effect.level](effect.message);
      case 'end-program':
        if (effect.reach === 'desktop') await os.endDesktop(record);
        else if (record.program) await os.endProgramSession(record.program);
        live.record = { ...live.record, program: null };
        return;
      case 'keep-reserved': {
        await os.keepReserved(record.display, ourPids(record.server));
        const after = live.record;
        if (after.state === 'restarting') live.record = { ...after, server: null };
        return;
      }
      case 'release': return this.release(record);
      case 'restart-in':
        live.timer = clock.setTimeout(() => {
          this.respawn(live).catch((error: Error) => logger.error(`:${record.display}: restart failed: ${error.stack ?? error.message}`));
        }, effect.delayMs);
        return;
      case 'save': return this.save(live);
      case 'confirm-logout': {
        const serverGone = record.server !== null && (await os.gone([record.server], DIES_WITH_SERVER_MS));
        if (this.current(live)) await this.on(live, { type: 'program-outlived-server', serverGone, autokill: record.options.autokill, ended: effect.ended, failed: effect.failed });
        return;
      }
      case 'stop': return this.stop(record.display, false, effect.failed);
      case 'adopt': return this.adopt(live);
      case 'exit-unseen': return this.onServerExit(live, { code: null, signal: null, at: new Date(clock.now()).toISOString() });
    }
  }

  private async onServerExit(live: Live, info: ExitInfo): Promise<void> {
    if (!this.current(live)) return;
    const record = (live.record = { ...live.record, lastExit: info });
    const how = info.error ? 'could not start' : info.code === null && info.signal === null ? 'ended' : isFailure(info) ? 'failed' : 'exited';
    const idle = record.options.idleTimeout;
    // With an idle timeout, the server's own clean exit is that timeout (MaxDisconnectionTime) running out.
    const why = idle !== undefined && info.code === 0
      ? `no viewer for ${idle} s: the idle timeout ended it`
      : `the X server ${how}${info.error ? `: ${info.error}` : await this.deps.os.failureSummary(record.log, info)}`;
    await this.on(live, { type: 'server-exited', info, why, now: this.deps.clock.now(), policy: record.options.restart });
  }

  /** Same display, same port, or wait: a session never wanders to another display. */
  private async respawn(live: Live): Promise<void> {
    if (!this.current(live)) return;
    const blocker = await this.deps.blocker(live.record.display, live.record.options);
    if (blocker !== null) return this.on(live, { type: 'restart-blocked', why: blocker });
    const { record } = live;
    if (record.state !== 'restarting') return;
    let started: Started;
    try {
      // Strict saves here: a server is started only once its record can say so.
      started = await this.deps.spawn(record, async (r) => {
        live.record = r;
        await this.deps.store.save(r);
      });
    } catch (error) {
      // A full state directory is no server failure: wait for space, as for a taken port.
      if (error instanceof TsvncError && error.code === 'STATE_WRITE_FAILED') return this.on(live, { type: 'restart-blocked', why: error.message });
      return this.onServerExit(live, { code: null, signal: null, at: new Date(this.deps.clock.now()).toISOString(), error: (error as Error).message });
    }
    live.record = started.record;
    await this.on(live, { type: 'restarted', server: started.record.server });
    this.supervise(live, started);
  }

  /**
   * Saves the session's state; a failure (a full disk) does not stop
   * supervision: it is logged and retried, backing off, until a save works.
   */
  private async save(live: Live): Promise<void> {
    const { clock } = this.deps;
    clock.clearTimeout(live.saveRetry);
    try {
      await this.deps.store.save(live.record);
      live.saveFailures = 0;
    } catch (error) {
      live.saveFailures += 1;
      logger.warn(`:${live.record.display}: ${(error as Error).message}; trying again`);
      if (this.sessions.get(live.record.display) === live && !this.watchers.signal.aborted) {
        live.saveRetry = clock.setTimeout(() => void this.save(live), Math.max(backoffMs(live.saveFailures + 1), BACKOFF_BASE_MS));
      }
    }
  }

  /** A session's options changed by its owner while it lives (its browser access): saved, so its restarts and a successor daemon keep them. */
  async setOptions(display: number, change: (options: SessionOptions) => SessionOptions): Promise<SessionRecord | null> {
    const live = this.sessions.get(display);
    // One being stopped keeps no change: a save now would bring its file back after the stop removed it.
    if (!live || !isSession(live) || live.stopping) return null;
    live.record = { ...live.record, options: change(live.record.options) };
    await this.save(live);
    return live.record;
  }

  async stop(display: number, clean: boolean, failed?: string): Promise<void> {
    await this.sessions.get(display)?.ready;
    const entry = this.sessions.get(display);
    if (!entry) return;
    entry.stopping ??= this.end(entry, clean, failed).catch((error: unknown) => {
      // The next kill tries again rather than waiting on this failure forever.
      entry.stopping = null;
      throw error;
    });
    await entry.stopping;
    // Ended but listed as failed: a later kill removes it for real.
    if (failed !== undefined && this.sessions.get(display) === entry) entry.stopping = null;
  }

  /** SIGTERM to everything the desktop started (its program's session, its tag) and to the server, SIGKILL after a bounded wait, then every file. */
  private async end(entry: Entry, clean: boolean, failed?: string): Promise<void> {
    const { os, clock, store } = this.deps;
    clock.clearTimeout(entry.timer);
    clock.clearTimeout(entry.saveRetry);
    const { record } = entry;
    await Promise.all([os.endDesktop(record), record.server ? os.stopServer(record.server) : undefined]);
    await this.release(record);
    if (failed !== undefined && isSession(entry)) {
      // Nothing of it runs or holds the display; its record stays to say why, until kill or a new start.
      entry.record = { ...entry.record, state: 'failed', reason: failed, server: null, program: null };
      entry.x?.close();
      await this.save(entry);
      logger.info(`:${record.display} ended: ${failed}`);
      return;
    }
    await store.remove(record.display);
    if (clean && record.state !== 'damaged') await os.removeLog(record.log);
    this.sessions.delete(record.display);
    logger.info(`:${record.display} stopped`);
  }

  /** The display's lock and socket file, the cookie file and the user's Xauthority entry. */
  private async release(record: ListedRecord): Promise<void> {
    await this.deps.os.releaseDisplay(record.display, ourPids(record.server));
    await this.deps.os.removeFiles(record);
  }

  private adopt(live: Live): void {
    const { record } = live;
    if (record.state === 'running') this.supervise(live, this.deps.os.watch(record, this.watchers.signal));
  }

  /**
   * Takes over the sessions an earlier daemon left, in whatever state they
   * were; a damaged file is listed, never hidden: `kill :N` stops what
   * still runs there and removes the file.
   */
  async resume(): Promise<void> {
    const { store, os } = this.deps;
    const { records, damaged } = await store.loadAll();
    await Promise.all(records.map((record) =>
      this.takeOver(record).catch((error: Error) => logger.error(`:${record.display}: cannot take over this session: ${error.message}`)),
    ));
    for (const bad of damaged) {
      const record = await os.damagedSession(bad);
      logger.warn(`:${bad.display}: ${record.reason}`);
      this.sessions.set(bad.display, fresh(record));
    }
    await os.reclaimClaims(new Set(this.sessions.keys()))
      .catch((error: Error) => logger.warn(`cannot check earlier daemons' display claims: ${error.message}`));
  }

  private async takeOver(record: SessionRecord): Promise<void> {
    const live = fresh(record);
    this.sessions.set(record.display, live);
    const liveServer = record.server && (await this.deps.os.isRunning(record.server)) ? record.server : null;
    await this.on(live, { type: 'taken-over', liveServer });
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
      this.deps.clock.clearTimeout(live.timer);
      this.deps.clock.clearTimeout(live.saveRetry);
      live.x?.close();
    }
  }
}

function fresh<R extends ListedRecord>(record: R): Entry<R> {
  return { record, stopping: null, waits: 0, saveFailures: 0 };
}

