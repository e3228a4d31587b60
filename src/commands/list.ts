import type { Argv, ArgumentsCamelCase } from 'yargs';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, daemonRunning, userStatePaths } from '../daemon/control-client.js';
import { hasSessionFiles } from '../state/state-dir.js';
import type { SessionSummary } from '../session/session-record.js';
import { listText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

export const command = 'list [display]';
export const describe = 'List your VNC sessions: display, state, server pid, port, uptime, restarts';

export function builder(yargs: Argv) {
  return yargs
    .positional('display', { type: 'string', describe: 'only this display, as :N (vncserver -list :N)' })
    .option('json', { type: 'boolean', default: false, describe: 'print a JSON array' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const only = argv.display === undefined ? undefined : parseDisplay(String(argv.display));
  const paths = await userStatePaths();
  // No daemon and no saved session: nothing to list, and no reason to start a daemon just to say so.
  const idle = !(await daemonRunning(paths)) && !(await hasSessionFiles(paths));
  const all = idle ? [] : ((await callDaemon(paths, { op: 'list' })) as SessionSummary[]);
  const sessions = all.filter((s) => only === undefined || s.display === only);
  if (argv.json) printJson(sessions);
  else printLines(listText(sessions));
}
