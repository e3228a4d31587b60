import { hostname } from 'node:os';
import type { Level } from '../log.js';
import { logger } from '../log.js';
import { TsvncError } from '../errors.js';
import { allocationFor, prepareStart, sessionOptions } from './prepare-start.js';
import { dispatch, type Request, type Result, type StartRequest } from '../daemon/protocol.js';
import type { StatePaths } from '../state/state-dir.js';
import { SessionStore } from '../state/session-store.js';
import { parseDisplay } from '../display/display-number.js';
import { Supervisor, type Live } from '../supervise/supervisor.js';
import { lastLines } from './log-file.js';
import { allocateDisplay } from './allocate-display.js';
import { newRecord, startSession, type Started } from './start-session.js';
import { blankRecord, summarize } from '../model/session-record.js';
import { damagedSession } from './damaged-session.js';
import { reclaimDeadDaemonClaims } from './daemon-claims.js';
import { releaseDisplay } from './release-display.js';
import { Mutex } from './mutex.js';

type Log = (level: Level, message: string) => void;

/** The daemon's answers to the control requests: start, list, status, kill. */
export class SessionManager {
  private readonly store: SessionStore;
  private readonly supervisor: Supervisor;
  private readonly sessions: Map<number, Live>;
  private readonly allocation = new Mutex();
  private readonly host = hostname();
  private loaded: Promise<void> = Promise.resolve();

  constructor(private readonly paths: StatePaths) {
    this.store = new SessionStore(paths.sessions);
    this.supervisor = new Supervisor(this.store, this.host);
    this.sessions = this.supervisor.sessions;
  }

  async handle(request: Request, log: Log): Promise<Result> {
    await this.loaded;
    const both: Log = (level, message) => {
      logger[level](message);
      log(level, message);
    };
    return dispatch({
      ping: async () => ({ pid: process.pid }),
      start: (r) => this.start(r.start, both),
      list: async () => this.list(),
      status: (r) => this.status(parseDisplay(String(r.display))),
      kill: (r) => this.kill(r.target === 'all' ? 'all' : parseDisplay(String(r.target)), r.clean),
    }, request, both);
  }

  private async start(given: StartRequest, log: Log) {
    const prepared = await prepareStart(given, log);
    const { req, home, binary } = prepared;
    const live = await this.allocation.run(async () => {
      const n = await allocateDisplay({ ...allocationFor(prepared), ours: this.activeDisplays(), log });
      // Until the server exists, a display being started shows as `starting` with its port.
      const entry: Live = { record: blankRecord(n, 'starting', null), stopping: null };
      this.sessions.set(n, entry);
      return entry;
    });
    const { display } = live.record;
    let started: Started;
    try {
      const options = sessionOptions(prepared, display, this.host);
      const starting = startSession(newRecord({ display, options, binary, env: req.env, home, host: this.host }, this.paths), this.host, async (record) => {
        live.record = record;
        await this.store.save(record);
      });
      live.ready = starting.catch(() => undefined);
      started = await starting;
    } catch (error) {
      this.sessions.delete(display);
      // The start's own error is the one to report, even when the state directory cannot be written.
      await this.store.remove(display).catch((e: Error) => logger.warn(`:${display}: ${e.message}`));
      await releaseDisplay(display, [process.pid]);
      throw error;
    }
    live.record = started.record;
    this.supervisor.supervise(live, started);
    await this.store.save(started.record);
    log('info', `:${display} is ready (server pid ${started.record.server?.pid}, log ${started.record.log})`);
    return { ...summarize(started.record, Date.now()), host: this.host, localhost: started.record.options.localhost };
  }

  /** Failed and stopped sessions stay listed until killed or started again on their display. */
  private activeDisplays(): Set<number> {
    return new Set([...this.sessions.values()].filter((l) => l.record.state !== 'failed' && l.record.state !== 'stopped').map((l) => l.record.display));
  }

  list() {
    const now = Date.now();
    return [...this.sessions.values()].map((live) => summarize(live.record, now)).sort((a, b) => a.display - b.display);
  }

  private async status(display: number) {
    const { record } = this.own(display);
    return {
      ...summarize(record, Date.now()), host: this.host, options: record.options, programPid: record.program?.pid ?? null,
      lastLog: record.log === '' ? [] : await lastLines(record.log, record.state === 'running' ? 5 : 15),
    };
  }

  private own(display: number): Live {
    const live = this.sessions.get(display);
    if (!live) throw new TsvncError('NOT_A_SESSION', `:${display} is not one of your tsvnc sessions`, 'tsvnc list shows them');
    return live;
  }

  private async kill(target: number | 'all', clean: boolean) {
    const displays = target === 'all' ? [...this.sessions.keys()] : [this.own(target).record.display];
    await Promise.all(displays.map((n) => this.supervisor.stop(n, clean)));
    return { killed: displays.sort((a, b) => a - b) };
  }

  /**
   * Takes over the sessions an earlier daemon left. Requests wait for it;
   * the socket is already up, so no client times out meanwhile.
   */
  resume(): void {
    this.loaded = this.takeOverAll().catch((error: Error) => logger.error(`cannot read the session state: ${error.message}`));
  }

  private async takeOverAll(): Promise<void> {
    const { records, damaged } = await this.store.loadAll();
    await Promise.all(records.map((record) =>
      this.supervisor.takeOver(record).catch((error: Error) => logger.error(`:${record.display}: cannot take over this session: ${error.message}`)),
    ));
    // Listed, never hidden: `kill :N` stops what still runs there and removes the file.
    for (const bad of damaged) {
      const record = await damagedSession(bad, this.paths.sessions);
      logger.warn(`:${bad.display}: ${record.reason}`);
      this.sessions.set(bad.display, { record, stopping: null });
    }
    await reclaimDeadDaemonClaims(`${this.paths.dir}/daemons.json`, new Set(this.sessions.keys()))
      .catch((error: Error) => logger.warn(`cannot check earlier daemons' display claims: ${error.message}`));
  }

  /** Stops watching; the sessions keep running for the next daemon. */
  close(): void {
    this.supervisor.close();
  }
}
