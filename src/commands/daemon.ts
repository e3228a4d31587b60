import type { Argv, ArgumentsCamelCase } from 'yargs';
import { TsvncError } from '../errors.js';
import { setLogLevel } from '../log.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { printLines } from '../output/print.js';

export const command = 'daemon';
export const describe = "Run your session daemon (other commands start it when needed); --foreground stays attached, for systemd; --system (root) runs the desktops of /etc/tsvnc/sessions";

export function builder(yargs: Argv) {
  return yargs
    .option('foreground', { type: 'boolean', default: false, describe: 'run attached instead of in the background' })
    .option('system', { type: 'boolean', default: false, describe: 'as root, attached: start every user\'s desktops listed in /etc/tsvnc/sessions and serve root\'s commands for all of them' })
    .option('ready-fd', { type: 'number', hidden: true, describe: 'write "ready" to this file descriptor once listening' })
    .option('listen-fd', { type: 'number', hidden: true, describe: 'serve this listening socket (the system daemon binds it)' })
    .option('env-fd', { type: 'number', hidden: true, describe: 'read the environment to run with, as JSON, from this file descriptor' })
    .option('job', { type: 'string', hidden: true, describe: "be this batch job's daemon: desktops stay in its session, and end with it" });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>> & { logLevel?: string };

export async function handler(argv: Args): Promise<void> {
  if (argv.system) {
    if (argv.logLevel === undefined && process.env.TSVNC_LOG_LEVEL === undefined) setLogLevel('info');
    const { runSystemDaemon } = await import('../system/run-system-daemon.js');
    await runSystemDaemon();
    return;
  }
  if (argv.foreground) {
    if (argv.readyFd !== undefined && (!Number.isInteger(argv.readyFd) || argv.readyFd < 3)) throw new TsvncError('BAD_ARGUMENT', '--ready-fd must be a file descriptor number from 3 up');
    for (const [name, fd] of [['--listen-fd', argv.listenFd], ['--env-fd', argv.envFd]] as const) {
      if (fd !== undefined && (!Number.isInteger(fd) || fd < 0)) throw new TsvncError('BAD_ARGUMENT', `${name} must be a file descriptor number`);
    }
    // A daemon's events are worth keeping: info unless asked otherwise.
    if (argv.logLevel === undefined && process.env.TSVNC_LOG_LEVEL === undefined) setLogLevel('info');
    // The daemon's code is most of tsvnc: only the daemon loads it.
    const { runDaemon } = await import('../daemon/run-daemon.js');
    await runDaemon(argv.readyFd, { listenFd: argv.listenFd, envFd: argv.envFd }, argv.job);
    return;
  }
  const { pid } = await callDaemon(await userStatePaths(), { op: 'ping' });
  printLines([`tsvnc daemon running (pid ${pid})`]);
}
