import { hostname } from 'node:os';
import type { StartRequest } from '../daemon/protocol.js';
import { logger } from '../log.js';
import { statePaths, stateDirFor } from '../state/state-dir.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { allocateDisplay } from '../session/allocate-display.js';
import { sessionLogPath } from '../session/log-file.js';
import { allocationFor, prepareStart, sessionOptions } from '../session/prepare-start.js';
import { serverArgs } from '../session/start-options.js';
import { activeSessions } from './use-old.js';

/** What `tsvnc start` would do, without doing any of it. */
export interface StartPlan {
  display: number;
  /** Lower displays passed over, with why (empty when the display was given). */
  skipped: { display: number; reason: string }[];
  rfbPort: number;
  localhost: boolean;
  /** The Xtigervnc command line, the binary first. */
  server: string[];
  /** The session program's shell command; null for none. */
  sessionProgram: string | null;
  log: string;
}

/**
 * The same steps as the daemon's start, in the same order and with the same
 * functions, so the plan shows what a start with this request and this
 * configuration would run. It claims no lock, starts no daemon and writes
 * no file: the display is only probed.
 */
export async function planStart(given: StartRequest): Promise<StartPlan> {
  const host = hostname();
  const prepared = await prepareStart(given, (level, message) => logger[level](message));
  const { req, home, binary } = prepared;
  const paths = statePaths(stateDirFor(req.env));
  const ours = new Set((await activeSessions(paths, false)).map((s) => s.display));
  const skipped: StartPlan['skipped'] = [];
  const display = await allocateDisplay({
    ...allocationFor(prepared), ours, claim: false,
    log: (level, message) => logger[level](message),
    onSkip: (n, reason) => skipped.push({ display: n, reason }),
  });
  const options = sessionOptions(prepared, display, host, paths);
  return {
    display, skipped, rfbPort: options.rfbPort, localhost: options.localhost,
    server: [binary, ...serverArgs(display, options, `${paths.sessions}/${display}.xauth`, passwdFilePath(home))],
    sessionProgram: options.xstartup,
    log: options.logFile ?? sessionLogPath(home, host, display),
  };
}
