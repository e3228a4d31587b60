import { hostname } from 'node:os';
import type { Level } from '../log.js';
import { logger } from '../log.js';
import { TsvncError } from '../errors.js';
import { allocationFor, certificateDir, prepareStart, sessionOptions } from '../session/prepare-start.js';
import { noWebWithOtpOnly } from '../session/start-options.js';
import { loadLayers, MANDATORY_CONFIG } from '../config/load-config.js';
import { bindTargets, tryBind } from '../ports/bind-test.js';
import { inUseBy } from '../ports/port-listeners.js';
import { ensureCertificate } from '../web/certificate.js';
import { dispatch, type Request, type Result, type StartRequest, type WebInfo } from '../daemon/protocol.js';
import type { StatePaths } from '../state/state-dir.js';
import { SessionStore } from '../state/session-store.js';
import { parseDisplay, webPort } from '../display/display-number.js';
import { parsePort } from '../model/option-validators.js';
import { Lifecycle } from './lifecycle.js';
import { realDeps } from './lifecycle-deps.js';
import { lastLines } from '../session/log-file.js';
import { allocateDisplay } from '../session/allocate-display.js';
import { newRecord, ourPids } from './start-session.js';
import { openWebGateway } from './web-gateways.js';
import { openVncProxy, type VncDoor } from './vnc-proxies.js';
import { Doors } from './desktop-doors.js';
import { newToken } from '../web/token.js';
import { summarize, type ListedRecord, type SessionRecord } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';

type Log = (level: Level, message: string) => void;

/** A port a gateway can listen on, said before the one there is closed for it. */
async function checkWebPort(record: SessionRecord, port: number): Promise<void> {
  if (port === record.options.rfbPort) throw new TsvncError('BAD_ARGUMENT', `port ${port} is the VNC port of :${record.display}`, 'give the web gateway a port of its own with --port');
  const binds = await Promise.all(bindTargets(record.options.localhost).map((target) => tryBind(target, port)));
  if (binds.some((b) => b.outcome === 'busy')) {
    throw new TsvncError('DISPLAY_BUSY', `port ${port} is ${await inUseBy(port)}`, `choose another with --port; :${record.display} is served as it was`);
  }
}

/** What stops `tsvnc web on` that stops `start --web`: the admin's mandatory web = no, and one-time passwords only. */
async function checkWebAllowed(record: SessionRecord): Promise<void> {
  if (record.options.otp?.only) throw noWebWithOtpOnly();
  const { mandatory } = await loadLayers(record.env);
  if (mandatory.web === false) throw new TsvncError('BAD_ARGUMENT', `${MANDATORY_CONFIG} sets web = no: desktops here are not served to browsers`, 'ask the administrator, or connect a VNC viewer through an ssh tunnel');
}

/** The daemon's answers to the control requests: start, list, status, kill. The sessions themselves belong to the lifecycle. */
export class SessionManager {
  private readonly host = hostname();
  private readonly lifecycle: Lifecycle;
  private readonly web: Doors<WebInfo>;
  private readonly vnc: Doors<VncDoor>;
  private loaded: Promise<void> = Promise.resolve();

  constructor(private readonly paths: StatePaths) {
    this.lifecycle = new Lifecycle(realDeps(this.host, paths, new SessionStore(paths.sessions)));
    const records = () => this.lifecycle.records();
    this.web = new Doors('web gateway', records, openWebGateway);
    this.vnc = new Doors('VNC port', records, openVncProxy);
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
      web: (r) => this.setWeb(parseDisplay(String(r.display)), r.on, r.newToken, r.port === undefined ? undefined : parsePort(r.port, '--port')),
      otp: (r) => this.issueOtp(parseDisplay(String(r.display))),
    }, request, both);
  }

  private async start(given: StartRequest, log: Log) {
    const prepared = await prepareStart(given, log);
    const { req, home, binary } = prepared;
    // Made before the server needs it, once per user; a dry run only names it.
    if (prepared.x509?.generated) await ensureCertificate(certificateDir(req.env));
    const record = await this.lifecycle.start({
      allocate: (ours) => allocateDisplay({ ...allocationFor(prepared), ours, log }),
      record: (display) => newRecord({ display, options: sessionOptions(prepared, display, this.host, this.paths), binary, env: req.env, home, host: this.host }, this.paths),
    }, log);
    // What an earlier desktop of this display left open (it ended by itself just now) is not this one's.
    await this.closeDoors(record.display);
    // A desktop its viewers cannot reach as asked (its VNC port with one-time passwords, a browser) is a failed start: nothing stays of it.
    const { vnc, web } = await this.openDoors(record).catch(async (error: unknown) => {
      await this.lifecycle.stop(record.display, false);
      await this.closeDoors(record.display);
      throw error;
    });
    return {
      ...summarize(record, Date.now()), host: this.host, localhost: record.options.localhost, options: record.options,
      ...(web ? { web } : {}), ...(vnc ? { otp: vnc.issue() } : {}),
    };
  }

  /** Each door on its own: one that cannot open keeps no other closed. */
  private async openDoors(record: SessionRecord) {
    const [vnc, web] = await Promise.allSettled([this.vnc.start(record), this.web.start(record)]);
    if (vnc.status === 'rejected') throw vnc.reason;
    if (web.status === 'rejected') throw web.reason;
    return { vnc: vnc.value, web: web.value };
  }

  private async closeDoors(display: number): Promise<void> {
    await Promise.all([this.vnc.close(display), this.web.close(display)]);
  }

  /**
   * One more password that lets one viewer in once; the desktop must have
   * been started with one-time passwords. Its VNC port is opened if it is
   * not yet (a daemon that has just taken the desktop over).
   */
  private async issueOtp(display: number) {
    const record = this.running(display, `tsvnc status :${display} says why`);
    const door = record.options.otp ? await this.vnc.start(record) : undefined;
    if (door === undefined) throw new TsvncError('NOT_A_SESSION', `:${display} was not started with one-time passwords`, `start it with --otp: tsvnc kill :${display}; tsvnc start :${display} --otp`);
    return { display, password: door.issue() };
  }

  list() {
    const now = Date.now();
    return this.lifecycle.records().map((record) => summarize(record, now));
  }

  private async status(display: number) {
    const record = this.own(display);
    // Of a damaged file nothing is known but what list shows: no options, no log.
    if (record.state === 'damaged') throw new TsvncError('NOT_A_SESSION', `:${display} has no status to show: ${record.reason}`);
    return {
      ...summarize(record, Date.now()), host: this.host, options: record.options, programPid: record.program?.pid ?? null,
      lastLog: await lastLines(record.log, record.state === 'running' ? 5 : 15).catch((error: Error) => [`(${error.message})`]),
      ...(this.web.info(display) ? { web: this.web.info(display) } : {}),
      ...this.notServed(display),
    };
  }

  private notServed(display: number): { notServed?: string[] } {
    const failures = [this.vnc.failure(display), this.web.failure(display)].filter((f): f is string => f !== undefined);
    return failures.length > 0 ? { notServed: failures } : {};
  }

  /**
   * Browser access for a desktop that runs: a new gateway on its port (a new
   * token on request, which makes the old URL useless), or none. Kept in
   * the record, as a start with --web keeps it.
   */
  private async setWeb(display: number, on: boolean, rotate: boolean, port: number | undefined) {
    const record = this.running(display, `tsvnc status :${display} says why; start it again with --web`);
    const old = record.options.web;
    // Turning it on is what the policy stops; a gateway there already may still get a new token or port.
    if (on && old === undefined) await checkWebAllowed(record);
    const newPort = on ? port ?? old?.port ?? webPort(display) : undefined;
    if (newPort !== undefined && newPort !== old?.port) await checkWebPort(record, newPort);
    // The record first, then the gateway: a sweep in between opens the new one, never the old.
    const changed = await this.lifecycle.setOptions(display, ({ web, ...options }) =>
      newPort === undefined ? options : { ...options, web: { ...web, port: newPort, token: web === undefined || rotate ? newToken() : web.token } });
    if (changed === null) throw new TsvncError('NOT_A_SESSION', `:${display} ended meanwhile`, 'tsvnc list shows your sessions');
    await this.web.close(display);
    try {
      return { display, web: on ? (await this.web.start(changed)) ?? null : null };
    } catch (error) {
      // A new port that cannot be had after all gives the old one back; a new token stays new.
      if (old !== undefined && newPort !== old.port) {
        const back = await this.lifecycle.setOptions(display, (o) => (o.web ? { ...o, web: { ...o.web, port: old.port } } : o));
        if (back !== null) await this.web.start(back).catch((again: Error) => logger.warn(`:${display}: its web gateway on port ${old.port} again: ${again.message}`));
      }
      throw error;
    }
  }

  /** The session on `display` if its desktop runs (or is being restarted): what browser access and one-time passwords need. */
  private running(display: number, hint: string): SessionRecord {
    const record = this.own(display);
    if (record.state !== 'running' && record.state !== 'restarting') throw new TsvncError('NOT_A_SESSION', `:${display} is ${record.state}, not running`, hint);
    return record;
  }

  private own(display: number): ListedRecord {
    const record = this.lifecycle.get(display);
    if (!record) throw new TsvncError('NOT_A_SESSION', `:${display} is not one of your tsvnc sessions`, 'tsvnc list shows them');
    return record;
  }

  private async kill(target: number | 'all', clean: boolean) {
    const displays = target === 'all' ? this.lifecycle.records().map((r) => r.display) : [this.own(target).display];
    await Promise.all(displays.map(async (n) => {
      await this.lifecycle.stop(n, clean);
      await this.closeDoors(n);
    }));
    return { killed: displays.sort((a, b) => a - b) };
  }

  /**
   * Takes over the sessions an earlier daemon left. Requests wait for it;
   * the socket is already up, so no client times out meanwhile.
   */
  resume(): void {
    this.loaded = this.lifecycle.resume().catch((error: Error) => logger.error(`cannot read the session state: ${error.message}`));
    // The doors of the desktops taken over come back on their ports (the web's with their tokens); requests need not wait for them.
    void this.loaded.then(() => Promise.all(this.lifecycle.records().map((r) =>
      // A door that cannot open says so once in the log and is tried again (desktop-doors.ts).
      r.state === 'damaged' || !isAlive(r.state) ? undefined : this.openDoors(r).catch(() => undefined),
    )));
  }

  /** No session, listed or starting. */
  isEmpty(): boolean {
    return this.lifecycle.records().length === 0;
  }

  /** Each session's display and the pids its lock may name (its server's, this daemon's). */
  claims(): { display: number; ours: number[] }[] {
    return this.lifecycle.records().map((r) => ({ display: r.display, ours: ourPids(r.server) }));
  }

  /** Ends every session, as `kill ':*'` does. */
  async stopAll(): Promise<void> {
    await this.loaded;
    await this.kill('all', false);
  }

  /** Stops watching; the sessions keep running for the next daemon. */
  close(): void {
    void this.web.closeAll();
    void this.vnc.closeAll();
    this.lifecycle.close();
  }
}
