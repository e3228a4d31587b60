import { TsvncError } from '../errors.js';
import { setLogLevel } from '../log.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { printLines } from '../output/print.js';
import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';

export const spec = {
  command: 'daemon',
  describe: "Run your session daemon (other commands start it when needed); --foreground stays attached, for systemd; --system (root) runs the desktops of /etc/tsvnc/sessions",
  options: {
    foreground: { type: 'boolean', default: false, describe: 'run attached instead of in the background' },
    system: { type: 'boolean', default: false, describe: "as root, attached: start every user's desktops listed in /etc/tsvnc/sessions and serve root's commands for all of them" },
    'ready-fd': { type: 'string', hidden: true, describe: 'write "ready" to this file descriptor once listening' },
    'listen-fd': { type: 'string', hidden: true, describe: 'serve this listening socket (the system daemon binds it)' },
    'env-fd': { type: 'string', hidden: true, describe: 'read the environment to run with, as JSON, from this file descriptor' },
    job: { type: 'string', hidden: true, describe: "be this batch job's daemon: desktops stay in its session, and end with it" },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec> & { logLevel?: string };

function descriptor(name: string, text: string | undefined, lowest: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,4}$/.test(text) || Number(text) < lowest) throw new TsvncError('BAD_ARGUMENT', `${name} must be a file descriptor number${lowest > 0 ? ` from ${lowest} up` : ''}`);
  return Number(text);
}

export async function handler(argv: Args): Promise<void> {
  // A daemon's events are worth keeping: info unless asked otherwise.
  const infoUnlessAsked = () => {
    if (argv.logLevel === undefined && process.env.TSVNC_LOG_LEVEL === undefined) setLogLevel('info');
  };
  if (argv.system) {
    infoUnlessAsked();
    const { runSystemDaemon } = await import('../system/run-system-daemon.js');
    await runSystemDaemon();
    return;
  }
  if (argv.foreground) {
    const readyFd = descriptor('--ready-fd', argv.readyFd, 3);
    const listenFd = descriptor('--listen-fd', argv.listenFd, 0);
    const envFd = descriptor('--env-fd', argv.envFd, 0);
    infoUnlessAsked();
    // The daemon's code is most of tsvnc: only the daemon loads it.
    const { runDaemon } = await import('../daemon/run-daemon.js');
    await runDaemon(readyFd, { listenFd, envFd }, argv.job);
    return;
  }
  const { pid } = await callDaemon(await userStatePaths(), { op: 'ping' });
  printLines([`tsvnc daemon running (pid ${pid})`]);
}
