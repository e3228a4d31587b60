import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, daemonRunning, userStatePaths } from '../daemon/control-client.js';
import { hasSessionFiles } from '../state/state-dir.js';
import { TsvncError } from '../errors.js';
import { listText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';
import { listSlurmDesktops } from '../slurm/entry.js';
import { slurmListText } from '../slurm/slurm-text.js';

export const spec = {
  command: 'list [display]',
  describe: 'List your VNC sessions: display, state, server pid, port, uptime, restarts',
  display: { required: false, describe: 'only this display, as :N (vncserver -list :N)' },
  options: {
    all: { type: 'boolean', default: false, describe: "root: every user's sessions of the system daemon, with their user" },
    json: { type: 'boolean', default: false, describe: 'print a JSON array' },
    format: { type: 'string', choices: ['vncserver', 'sessionlist'], describe: "vncserver: vncserver -list's table (TigerVNC's, or TurboVNC's with vncserver-output = turbovnc); sessionlist: TurboVNC's -sessionlist line" },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

export async function handler(argv: Args): Promise<void> {
  const only = argv.display === undefined ? undefined : parseDisplay(String(argv.display));
  const paths = await userStatePaths();
  if (argv.all && !paths.system) {
    throw process.getuid?.() === 0
      ? new TsvncError('DAEMON_UNAVAILABLE', 'no tsvnc system daemon is running, so there are only your own sessions', 'start it (systemctl start tsvnc), or leave out --all')
      : new TsvncError('BAD_ARGUMENT', "only root sees every user's sessions", 'leave out --all to see yours');
  }
  // No daemon and no saved session: nothing to list, and no reason to start a daemon just to say so.
  const idle = !(await daemonRunning(paths)) && !(await hasSessionFiles(paths));
  const listed = idle ? [] : await callDaemon(paths, { op: 'list', all: argv.all });
  const sessions = listed.filter((s) => only === undefined || s.display === only);
  const slurm = only === undefined && !argv.all && argv.format === undefined ? await listSlurmDesktops() : [];
  if (argv.json) printJson([...sessions, ...slurm]);
  else if (argv.format !== undefined) await (await import('../client-start/wrapper-output.js')).printWrapperList(sessions, argv.format === 'sessionlist');
  else printLines([...(sessions.length > 0 || slurm.length === 0 ? listText(sessions) : []), ...slurmListText(slurm)]);
}
