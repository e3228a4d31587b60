import { unlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import type { Level } from '../log.js';
import { logger } from '../log.js';
import { TsvncError } from '../errors.js';
import { loadConfig } from '../config/load-config.js';
import type { Request, StartRequest } from '../daemon/protocol.js';
import type { StatePaths } from '../state/state-dir.js';
import { SessionStore } from '../state/session-store.js';
import { removeFromUserXauthority } from '../xauth/user-xauthority.js';
import { checkPasswdFile, passwdFilePath } from '../vnc/passwd-file.js';
import { isRunning } from '../proc/process-identity.js';
import { lastLines } from './log-file.js';
import { allocateDisplay } from './allocate-display.js';
import { findServer } from './find-server.js';
import { chooseSessionProgram } from './session-program.js';
import { resolveOptions, usesPasswdFile } from './start-options.js';
import { startSession, type Started } from './start-session.js';
import { parseDisplay, rfbPort } from '../display/display-number.js';
import { summarize, type ExitInfo, type SessionRecord } from './session-record.js';
import { programProcesses, terminate } from './stop-process.js';
import { releaseDisplay } from './release-display.js';
import { exitText, failureSummary } from './failure-summary.js';
import { watchExit } from './watch-process.js';
import { Mutex } from './mutex.js';

type Log = (level: Level, message: string) => void;

interface Live {
  record: SessionRecord;
  /** Set while `kill` or autokill ends the session, so its exits are not taken for crashes. */
  stopping: Promise<void> | null;
  /** Until a starting session is up, a kill waits for it rather than racing it. */
  ready?: Promise<unknown>;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/** The daemon's sessions: start, list, status, kill, and what happens when their processes exit. */
export class SessionManager {
  private readonly sessions = new Map<number, Live>();
  private readonly store: SessionStore;
  private readonly allocation = new Mutex();
  private readonly watchers = new AbortController();
  private readonly host = hostname();
  private loaded: Promise<void> = Promise.resolve();

  constructor(private readonly paths: StatePaths) {
    this.store = new SessionStore(paths.sessions);
  }

  async handle(request: Request, log: Log): Promise<unknown> {
    await this.loaded;
    const both: Log = (level, message) => {
      logger[level](message);
      log(level, message);
    };
    switch (request.op) {
      case 'ping': return { pid: process.pid };
      case 'start': return this.start(request.start, both);
      case 'list': return this.list();
      case 'status': return this.status(parseDisplay(String(request.display)));
      case 'kill': return this.kill(request.target === 'all' ? 'all' : parseDisplay(String(request.target)), request.clean);
    }
  }

  private async start(req: StartRequest, log: Log) {
    if (req.display !== undefined) parseDisplay(String(req.display));
    const home = req.env.HOME ?? userInfo().homedir;
    resolveOptions(req, req.display ?? 0, '', null);
    const binary = await findServer(req.env);
    if (usesPasswdFile((req.securityTypes ?? 'VncAuth').split(','))) await checkPasswdFile(passwdFilePath(home));
    const xstartup = await chooseSessionProgram(req, home);
    const config = await loadConfig(req.env);
    const live = await this.allocation.run(async () => {
      const n = await allocateDisplay({
        requested: req.display,
        probe: { localhost: req.localhost, listenTcp: false, ...(req.rfbPort === undefined ? {} : { rfbPort: req.rfbPort }) },
        config, ours: this.activeDisplays(), log,
      });
      const entry: Live = { record: this.placeholder(n), stopping: null };
      this.sessions.set(n, entry);
      return entry;
    });
    const { display } = live.record;
    const persist = async (record: SessionRecord) => {
      live.record = record;
      await this.store.save(record);
    };
    const starting = startSession({ req, display, binary, xstartup, home, host: this.host, user: userInfo().username }, this.paths, persist);
    live.ready = starting.catch(() => undefined);
    let started: Started;
    try {
      started = await starting;
    } catch (error) {
      this.sessions.delete(display);
      await this.store.remove(display);
      throw error;
    }
    this.react(started.serverExited, (info) => this.onServerExit(live, info));
    if (started.programExited) this.react(started.programExited, (info) => this.onProgramExit(live, info));
    await persist(started.record);
    log('info', `:${display} is ready (server pid ${started.record.server?.pid}, log ${started.record.log})`);
    return { ...summarize(started.record, Date.now()), host: this.host, localhost: started.record.options.localhost };
  }

  /** Failed and stopped sessions stay listed until killed or started again on their display. */
  private activeDisplays(): Set<number> {
    return new Set([...this.sessions.values()].filter((l) => l.record.state !== 'failed' && l.record.state !== 'stopped').map((l) => l.record.display));
  }

  /** Until the server exists, a display being started shows as `starting` with its port. */
  private placeholder(display: number): SessionRecord {
    return {
      display, state: 'starting', options: { geometry: '', depth: 0, desktop: '', localhost: true, securityTypes: [], rfbPort: rfbPort(display), xstartup: null, autokill: true, extraArgs: [] },
      server: null, program: null, log: '', authFile: '', xauthority: '', startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason: null,
    };
  }

  list() {
    const now = Date.now();
    return [...this.sessions.values()].map((live) => summarize(live.record, now)).sort((a, b) => a.display - b.display);
  }

  private async status(display: number) {
    const live = this.own(display);
    const { record } = live;
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
    await Promise.all(displays.map((n) => this.stop(n, clean)));
    return { killed: displays.sort((a, b) => a - b) };
  }

  private async stop(display: number, clean: boolean): Promise<void> {
    await this.sessions.get(display)?.ready;
    const live = this.sessions.get(display);
    if (!live) return;
    live.stopping ??= this.end(live, clean);
    await live.stopping;
  }

  /** SIGTERM to the session program's whole session and to the server, SIGKILL after a bounded wait, then every file. */
  private async end(live: Live, clean: boolean): Promise<void> {
    try {
      await this.endSession(live, clean);
    } catch (error) {
      // The next kill tries again rather than waiting on this failure forever.
      live.stopping = null;
      throw error;
    }
  }

  private async endSession(live: Live, clean: boolean): Promise<void> {
    const { record } = live;
    const program = record.program ? await programProcesses(record.program) : [];
    await Promise.all([terminate(program), record.server ? terminate([record.server]) : undefined]);
    await this.cleanUp(record);
    await this.store.remove(record.display);
    if (clean && record.log !== '') await unlink(record.log).catch(ignoreMissing);
    this.sessions.delete(record.display);
    logger.info(`:${record.display} stopped`);
  }

  private async cleanUp(record: SessionRecord): Promise<void> {
    await releaseDisplay(record.display, record.server ? [record.server.pid, process.pid] : [process.pid]);
    if (record.authFile !== '') await unlink(record.authFile).catch(ignoreMissing);
    await removeFromUserXauthority(record.xauthority, this.host, record.display).catch((error: Error) => logger.warn(`:${record.display}: ${error.message}`));
  }

  private async onServerExit(live: Live, info: ExitInfo): Promise<void> {
    if (live.stopping || this.sessions.get(live.record.display) !== live) return;
    const { record } = live;
    const clean = info.code === 0 && info.signal === null;
    record.state = clean ? 'stopped' : 'failed';
    record.lastExit = info;
    const how = info.code === null && info.signal === null ? 'ended' : clean ? 'exited' : 'failed';
    record.reason = `the X server ${how}${await failureSummary(record.log, info)}`;
    logger.warn(`:${record.display}: ${record.reason}`);
    if (record.program) await terminate(await programProcesses(record.program));
    record.program = null;
    await this.cleanUp(record);
    await this.store.save(record);
  }

  private async onProgramExit(live: Live, info: ExitInfo): Promise<void> {
    // After a server exit, the session program dying with it is no news.
    if (live.stopping || live.record.state !== 'running' || this.sessions.get(live.record.display) !== live) return;
    const { record } = live;
    logger.info(`:${record.display}: the session program ended (${exitText(info)})${record.options.autokill ? '; ending the session' : ''}`);
    // Without autokill the leader's identity stays: kill still finds what it left in its session.
    if (record.options.autokill) return this.stop(record.display, false);
  }

  /**
   * Takes over the sessions an earlier daemon left: supervises the live
   * ones, records the ones that died meanwhile, undoes half-done starts.
   * Requests wait for it; the socket is already up, so no client times out.
   */
  resume(): void {
    this.loaded = this.store.loadAll().then((records) =>
      Promise.all(records.map((record) =>
        this.takeOver(record).catch((error: Error) => logger.error(`:${record.display}: cannot take over this session: ${error.message}`)),
      )),
    ).then(() => undefined, (error: Error) => logger.error(`cannot read the session state: ${error.message}`));
  }

  private async takeOver(record: SessionRecord): Promise<void> {
    const live: Live = { record, stopping: null };
    this.sessions.set(record.display, live);
    if (record.state === 'starting') {
      logger.warn(`:${record.display} was still starting when the previous daemon stopped; stopping it`);
      return this.stop(record.display, false);
    }
    if (record.state !== 'running') return;
    if (record.server && (await isRunning(record.server))) {
      this.react(watchExit(record.server, this.watchers.signal), (info) => this.onServerExit(live, info));
      if (record.program) this.react(watchExit(record.program, this.watchers.signal), (info) => this.onProgramExit(live, info));
      logger.info(`:${record.display}: adopted server pid ${record.server.pid}`);
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

  /** Stops watching; the sessions keep running for the next daemon. */
  close(): void {
    this.watchers.abort();
  }
}
