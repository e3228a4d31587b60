import type { Clock, LifecycleDeps, SessionOs, Watched } from '../../src/lifecycle/lifecycle-deps.js';
import { Lifecycle } from '../../src/lifecycle/lifecycle.js';
import type { ExitInfo, RestartingRecord, RunningRecord, SessionRecord, SessionState, StartingRecord } from '../../src/model/session-record.js';
import { savedRecord } from '../model/saved-records.js';
import type { Started } from '../../src/lifecycle/start-session.js';
import type { DamagedRecord } from '../../src/state/session-store.js';
import type { RestartPolicy } from '../../src/model/restart-policy.js';
import type { XConnection } from '../../src/x11/x-connection.js';
import { TsvncError } from '../../src/errors.js';
import { exitText } from '../../src/session/failure-summary.js';

/** Timers that fire only when the test moves time on. */
export class FakeClock implements Clock {
  private t = Date.parse('2026-12-01T10:00:00Z');
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;

  now(): number {
    return this.t;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, run });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** The delays of the pending timers, from now. */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.t).sort((a, b) => a - b);
  }

  /** Moves time on by `ms`, firing what falls due on the way, each followed by everything it set off. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].run();
      await settle();
    }
    this.t = end;
  }
}

/** Lets every promise the fakes resolved run its course (they do no I/O). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface Exit {
  promise: Promise<ExitInfo>;
  fire(code: number | null, signal: string | null): void;
}

export function exit(): Exit {
  let resolve: (info: ExitInfo) => void = () => undefined;
  const promise = new Promise<ExitInfo>((r) => (resolve = r));
  return { promise, fire: (code, signal) => resolve({ code, signal, at: '2026-12-01T10:00:00.000Z' }) };
}

const FAKE_X = { close: () => undefined } as unknown as XConnection;

export const DISPLAY = 7;

/** A fresh start's record as the daemon saves it (no server, no program, no failures), on DISPLAY. */
export function starting(restart: Partial<RestartPolicy> = {}, autokill = true): StartingRecord {
  const saved = savedRecord('starting.json');
  const options = { ...saved.options, rfbPort: 5900 + DISPLAY, autokill, restart: { ...saved.options.restart, ...restart } };
  return { ...saved, state: 'starting', server: null, reason: null, display: DISPLAY, log: '/home/u/.vnc/h:7.log', tag: 'h:7:tag', options };
}

/** A record an earlier daemon left in `state`: a running one with a server, any other saying why it does not run. */
export function record(state: SessionState, restart: Partial<RestartPolicy> = {}): SessionRecord {
  const base = starting(restart);
  switch (state) {
    case 'starting': return base;
    case 'running': return { ...base, state, server: { pid: 10, startTicks: 1 } };
    default: return { ...base, state, reason: `${state} earlier` };
  }
}

/**
 * A lifecycle whose store, prober, spawner, processes and clock are fakes
 * that record what was done to them: `ops` in order, `saves` as the state
 * saved each time, and the exits of each spawned server and program.
 */
export function harness(options: { alive?: (pid: number) => boolean; gone?: boolean; records?: SessionRecord[]; damaged?: DamagedRecord[] } = {}) {
  const clock = new FakeClock();
  const ops: string[] = [];
  const saves: string[] = [];
  const servers: Exit[] = [];
  const programs: Exit[] = [];
  const watched: Watched[] = [];
  /** Each next spawn: 'ok', an error to throw, or a promise to wait for first. */
  const spawnPlan: (Error | Promise<void>)[] = [];
  const blockers: string[] = [];
  let saveFailures = 0;
  let pid = 100;
  const os: SessionOs = {
    endDesktop: async () => void ops.push('end-desktop'),
    endProgramSession: async (p) => void ops.push(`end-session ${p.pid}`),
    stopServer: async (s) => void ops.push(`stop-server ${s.pid}`),
    gone: async () => options.gone ?? false,
    isRunning: async (id) => options.alive?.(id.pid) ?? false,
    keepReserved: async (_d, ours) => void ops.push(`keep-reserved ${ours[0]}`),
    releaseDisplay: async (_d, ours) => void ops.push(`release ${ours[0]}`),
    removeFiles: async () => void ops.push('remove-files'),
    removeLog: async () => void ops.push('remove-log'),
    watch: (r) => {
      ops.push(`watch ${r.server.pid}`);
      const w = { serverExited: exit(), programExited: exit() };
      servers.push(w.serverExited);
      programs.push(w.programExited);
      const shape = { serverExited: w.serverExited.promise, programExited: w.programExited.promise };
      watched.push(shape);
      return shape;
    },
    // As the real one words it, from an empty log.
    failureSummary: async (_log, info) => (exitText(info) ? ` (${exitText(info)})` : ''),
    damagedSession: async (bad) => ({
      state: 'damaged', display: bad.display, path: bad.path, reason: `damaged state file ${bad.path}: ${bad.problem}`, server: null, tag: '', authFile: `sessions/${bad.display}.xauth`, foundAt: '2026-12-01T10:00:00.000Z',
    }),
    reclaimClaims: async (keep) => void ops.push(`reclaim except ${[...keep].join(',')}`),
  };
  const spawn = async (r: StartingRecord | RestartingRecord, persist: (r: SessionRecord) => Promise<void>): Promise<Started> => {
    await persist(r);
    const next = spawnPlan.shift();
    if (next instanceof Error) throw next;
    if (next) await next;
    pid += 1;
    const running: RunningRecord = { ...r, state: 'running', reason: null, server: { pid, startTicks: pid }, program: { pid: pid + 1000, startTicks: pid } };
    ops.push(`spawn ${pid}`);
    const server = exit();
    const program = exit();
    servers.push(server);
    programs.push(program);
    return { record: running, serverExited: server.promise, programExited: program.promise, x: FAKE_X };
  };
  const deps: LifecycleDeps = {
    host: 'h',
    store: {
      save: async (r) => {
        if (saveFailures > 0) {
          saveFailures -= 1;
          throw new TsvncError('STATE_WRITE_FAILED', `cannot write sessions/${r.display}.json: no space left on its file system`);
        }
        saves.push(r.state);
      },
      remove: async (n) => void ops.push(`remove ${n}`),
      loadAll: async () => ({ records: options.records ?? [], damaged: options.damaged ?? [] }),
    },
    blocker: async () => blockers.shift() ?? null,
    spawn,
    os,
    clock,
  };
  const lifecycle = new Lifecycle(deps);
  const startPlan = { allocate: async () => DISPLAY, record: () => starting() };
  return {
    lifecycle, clock, ops, saves, servers, programs, watched, spawnPlan, blockers,
    failSaves: (n: number) => (saveFailures = n),
    start: (r: StartingRecord = starting()) => lifecycle.start({ ...startPlan, record: () => r }, () => undefined),
    state: () => lifecycle.get(DISPLAY)?.state,
    reason: () => lifecycle.get(DISPLAY)?.reason,
    /** The session on `display`; undefined for none or a damaged file. */
    session: (display = DISPLAY) => {
      const listed = lifecycle.get(display);
      return listed?.state === 'damaged' ? undefined : listed;
    },
  };
}
