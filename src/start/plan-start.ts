import { hostname, userInfo } from 'node:os';
import { loadConfig } from '../config/load-config.js';
import type { StartRequest } from '../daemon/protocol.js';
import { logger } from '../log.js';
import { homeOf, statePaths, stateDirFor } from '../state/state-dir.js';
import { checkPasswdFile, passwdFilePath } from '../vnc/passwd-file.js';
import { allocateDisplay } from '../session/allocate-display.js';
import { findServer } from '../session/find-server.js';
import { sessionLogPath } from '../session/log-file.js';
import { chooseSessionProgram } from '../session/session-program.js';
import { resolveOptions, serverArgs, usesPasswdFile } from '../session/start-options.js';
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
export async function planStart(req: StartRequest): Promise<StartPlan> {
  const home = homeOf(req.env);
  const host = hostname();
  const checked = resolveOptions(req, req.display ?? 0, '', null);
  const binary = await findServer(req.env);
  if (usesPasswdFile(checked.securityTypes)) await checkPasswdFile(passwdFilePath(home));
  const xstartup = await chooseSessionProgram(req, home);
  const config = await loadConfig(req.env);
  const paths = statePaths(stateDirFor(req.env));
  const ours = new Set((await activeSessions(paths, false)).map((s) => s.display));
  const skipped: StartPlan['skipped'] = [];
  const display = await allocateDisplay({
    requested: req.display,
    probe: { localhost: req.localhost, listenTcp: false, ...(req.rfbPort === undefined ? {} : { rfbPort: req.rfbPort }) },
    config, ours, claim: false,
    log: (level, message) => logger[level](message),
    onSkip: (n, reason) => skipped.push({ display: n, reason }),
  });
  const options = resolveOptions(req, display, `${host}:${display} (${userInfo().username})`, xstartup, config.restart);
  return {
    display, skipped, rfbPort: options.rfbPort, localhost: options.localhost,
    server: [binary, ...serverArgs(display, options, `${paths.sessions}/${display}.xauth`, passwdFilePath(home))],
    sessionProgram: options.xstartup,
    log: sessionLogPath(home, host, display),
  };
}
