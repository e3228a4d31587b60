import type { Argv, ArgumentsCamelCase } from 'yargs';
import { callDaemon, daemonRunning, userStatePaths } from '../daemon/control-client.js';
import { hasSessionFiles } from '../state/state-dir.js';
import type { SessionSummary } from '../session/session-record.js';
import { listText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

export const command = 'list';
export const describe = 'List your VNC sessions: display, state, server pid, port, uptime, restarts';

export function builder(yargs: Argv) {
  return yargs.option('json', { type: 'boolean', default: false, describe: 'print a JSON array' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const paths = await userStatePaths();
  // No daemon and no saved session: nothing to list, and no reason to start a daemon just to say so.
  const idle = !(await daemonRunning(paths)) && !(await hasSessionFiles(paths));
  const sessions = idle ? [] : ((await callDaemon(paths, { op: 'list' })) as SessionSummary[]);
  if (argv.json) printJson(sessions);
  else printLines(listText(sessions));
}
