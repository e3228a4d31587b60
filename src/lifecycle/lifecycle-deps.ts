import { removeIfPresent } from '../tmp/safe-tmp.js';
import { logger } from '../log.js';
import type { SessionStore } from '../state/session-store.js';
import type { DamagedRecord } from '../state/session-store.js';
import { removeFromUserXauthority } from '../xauth/user-xauthority.js';
import { isRunning, type ProcessIdentity } from '../proc/process-identity.js';
import type { DamagedSession, ExitInfo, ListedRecord, RestartingRecord, RunningRecord, SessionOptions, SessionRecord, StartingRecord } from '../model/session-record.js';
import { startSession, keepReserved, type Started } from './start-session.js';
import { programProcesses, terminate, waitGone } from '../session/stop-process.js';
import { releaseDisplay } from '../session/release-display.js';
import { failureSummary } from '../session/failure-summary.js';
import { watchServer, watchExit } from '../session/watch-process.js';
import { desktopProcesses } from '../session/desktop-processes.js';
import { damagedSession } from '../session/damaged-session.js';
import { reclaimDeadDaemonClaims } from '../session/daemon-claims.js';
import type { StatePaths } from '../state/state-dir.js';
import { displayBlocker } from './display-blocker.js';

/** Time as the lifecycle sees it: the system's, or a test's. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export type Watched = Pick<Started, 'serverExited' | 'programExited'>;

/** What the lifecycle does to processes and files: the only I/O of its decisions, and what a test fakes. */
export interface SessionOs {
  /** The session program's session and whatever else carries the desktop's tag (daemons that left the session). */
  endDesktop(record: ListedRecord): Promise<void>;
  /** Only the session program's own session. */
  endProgramSession(program: ProcessIdentity): Promise<void>;
  stopServer(server: ProcessIdentity): Promise<void>;
  /** True once every process is gone, false after `ms`. */
  gone(ids: readonly ProcessIdentity[], ms: number): Promise<boolean>;
  isRunning(id: ProcessIdentity): Promise<boolean>;
  keepReserved(display: number, ours: readonly number[]): Promise<void>;
  releaseDisplay(display: number, ours: readonly number[]): Promise<void>;
  /** The cookie file, the entry in the user's Xauthority, and the server's private socket if it had one. */
  removeFiles(record: ListedRecord): Promise<void>;
  removeLog(path: string): Promise<void>;
  /** Exit events of an adopted session's server and program. */
  watch(record: RunningRecord, signal: AbortSignal): Watched;
  /** The reason of a server's exit, from its log. */
  failureSummary(log: string, info: ExitInfo): Promise<string>;
  damagedSession(damaged: DamagedRecord): Promise<DamagedSession>;
  /** Locks of earlier daemons that died claiming them, except on `keep`. */
  reclaimClaims(keep: ReadonlySet<number>): Promise<unknown>;
}

export interface LifecycleDeps {
  host: string;
  store: Pick<SessionStore, 'save' | 'remove' | 'loadAll'>;
  /** What, other than this daemon's own lock, stops a restart on the display; null when nothing does. */
  blocker(display: number, options: SessionOptions): Promise<string | null>;
  /** Starts the server and the session program for the record (see start-session.ts). */
  spawn(record: StartingRecord | RestartingRecord, persist: (record: SessionRecord) => Promise<void>): Promise<Started>;
  os: SessionOs;
  clock: Clock;
}

function realOs(host: string, paths: StatePaths): SessionOs {
  return {
    endDesktop: async (record) => terminate(await desktopProcesses(record)),
    endProgramSession: async (program) => terminate(await programProcesses(program)),
    stopServer: (server) => terminate([server]),
    gone: waitGone,
    isRunning,
    keepReserved,
    releaseDisplay,
    removeFiles: async (record) => {
      await removeIfPresent(record.authFile);
      // A killed server leaves its private socket; its successor would replace it, but no successor comes.
      if (record.state !== 'damaged' && record.options.otp) {
        await removeIfPresent(record.options.otp.socket);
        await removeIfPresent(record.options.otp.serverPasswordFile);
      }
      // A damaged file does not say whose Xauthority had the entry.
      if (record.state !== 'damaged') await removeFromUserXauthority(record.xauthority, host, record.display).catch((error: Error) => logger.warn(`:${record.display}: ${error.message}`));
    },
    removeLog: removeIfPresent,
    watch: (record, signal) => ({
      serverExited: watchServer(record.server, record.display, record.authFile, signal),
      programExited: record.program ? watchExit(record.program, signal) : null,
    }),
    failureSummary,
    damagedSession: (bad) => damagedSession(bad, paths.sessions),
    reclaimClaims: (keep) => reclaimDeadDaemonClaims(`${paths.dir}/daemons.json`, keep),
  };
}

export function realDeps(host: string, paths: StatePaths, store: LifecycleDeps['store']): LifecycleDeps {
  return { host, store, blocker: displayBlocker, spawn: (record, persist) => startSession(record, host, persist), os: realOs(host, paths), clock: SYSTEM_CLOCK };
}
