import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { TsvncError, userMessage } from '../errors.js';
import { logger } from '../log.js';
import { loadConfig } from '../config/load-config.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { passwdNames } from '../doctor/users.js';
import { doctorText } from '../output/doctor-text.js';
import { printJson, printLines } from '../output/print.js';
import { PROBE_OPTIONS, probeOptions } from './probe-options.js';
import { callDaemon, daemonRunning, userStatePaths } from '../daemon/control-client.js';
import { hasSessionFiles } from '../state/state-dir.js';

export const spec = {
  command: 'doctor [display]',
  describe: 'Explain why displays are taken or risky, and how to fix it (without :N, checks :1-:99)',
  display: { required: false, describe: 'display to explain, as :N' },
  options: {
    fix: { type: 'boolean', default: false, describe: 'remove provably stale lock and socket files (never kills a process)' },
    ...PROBE_OPTIONS,
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

/**
 * As tsvnc list finds them: no daemon and no saved session is none, without
 * starting a daemon to say so. The doctor must work when the daemon does
 * not: then your desktops are judged as any X server is.
 */
async function ownSessions(): Promise<{ own: Map<number, number | null>; daemon?: number }> {
  try {
    const paths = await userStatePaths();
    if (!(await daemonRunning(paths)) && !(await hasSessionFiles(paths))) return { own: new Map() };
    const [sessions, { pid }] = await Promise.all([callDaemon(paths, { op: 'list' }), callDaemon(paths, { op: 'ping' })]);
    return { own: new Map(sessions.map((s) => [s.display, s.pid])), daemon: pid };
  } catch (error) {
    logger.warn(`your tsvnc daemon did not list your sessions (${userMessage(error).replace(/^tsvnc: /, '')}), so they are judged as any X server`);
    return { own: new Map() };
  }
}

export async function handler(argv: Args): Promise<void> {
  const display = argv.display === undefined ? null : parseDisplay(String(argv.display));
  if (display === null && argv.rfbport !== undefined) {
    throw new TsvncError('BAD_ARGUMENT', '--rfbport needs a display', 'one port cannot serve :1-:99; write tsvnc doctor :N --rfbport P');
  }
  const report = await runDoctor({
    display, fix: argv.fix, options: probeOptions(argv), config: await loadConfig(), nameOf: passwdNames(), ...(await ownSessions()),
  });
  if (argv.json) {
    const { results, ...rest } = report;
    printJson(display === null ? rest : { ...rest, probe: results[0] });
  } else {
    printLines(doctorText(report, display !== null));
  }
  process.exitCode = display !== null && report.held.length > 0 ? 1 : 0;
}
