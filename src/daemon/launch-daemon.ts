import { spawn, type ChildProcess } from 'node:child_process';
import { TsvncError } from '../errors.js';
import type { StatePaths } from '../state/state-dir.js';
import { TAG_VARIABLE } from '../session/tagged-processes.js';

const READY_TIMEOUT_MS = 10_000;
export const READY_LINE = 'ready';

/**
 * A long-lived daemon that mostly waits: optimised code buys it nothing, and
 * without the optimising compiler (lite mode) its heap stays small. Measured
 * with 50 desktops (bench/, memflags): 83 MB RSS without flags, 58 MB with
 * --lite-mode; --max-semi-space-size=1 on top of it saves nothing more, and
 * boot and start times are the same under each within the noise of three
 * runs. The systemd units pass the same flag.
 */
const DAEMON_NODE_FLAGS = ['--lite-mode'];

/** The readiness pipe, and where the system daemon puts the user's listening control socket. */
const READY_FD = 3;
const LISTEN_FD = 4;

/**
 * Descriptors our caller left open without close-on-exec (a job script's
 * flock, say) would otherwise live on in the daemon and in every server it
 * starts: all above the ones we pass. bash, not sh: dash cannot name
 * descriptors above 9.
 */
function closeInheritedFds(highest: number): string {
  return `${CHECK_READABLE} for f in /proc/self/fd/*; do n=\${f##*/}; [ "$n" -gt ${highest} ] && eval "exec $n>&-"; done 2>/dev/null; exec "$0" "$@"`;
}

/**
 * A user's daemon started by root runs root's copy of tsvnc: from a checkout
 * under /root it could not load its own code and node would die before it
 * could say why (ERR_MODULE_NOT_FOUND on a closed pipe).
 */
const CHECK_READABLE = `[ -r "$TSVNC_PROGRAM" ] || { echo "cannot read its own program $TSVNC_PROGRAM as $(id -un): install tsvnc where every user can read it (scripts/install.sh, or the Debian package)" >&${READY_FD}; exit 1; };`;

/** How the system daemon starts a user's daemon. */
export interface LaunchAs {
  /** setpriv to the user, from a fixed path. */
  prefix: string[];
  /** The user's login environment: handed to the daemon on a pipe once it runs as the user, never to what root executes. */
  env: Record<string, string>;
  /** The listening control socket root bound for the user: the daemon serves it instead of binding its own. */
  listenFd: number;
}

/**
 * Starts `tsvnc daemon --foreground` detached (own session, no tie to this
 * terminal or to a pipe our caller reads; a job's daemon only the latter) and waits until it says it listens,
 * on a pipe given as fd 3: readiness from the daemon itself, no polling.
 * node:child_process rather than execa: this runs on the CLI's short path,
 * where loading execa would cost more than the rest of the command.
 *
 * As the system daemon (`as`), root executes setpriv, bash and node from
 * fixed paths with an environment of its own making: a user's PATH or
 * LD_PRELOAD would otherwise pick or alter what runs as uid 0. The user's
 * environment goes to the daemon on its stdin, not on a command line
 * (anyone can read /proc/PID/cmdline).
 */
/** Ours, without the tag of the desktop this command may run in: the daemon outlives that desktop and is none of its processes. */
function ownEnvironment(): NodeJS.ProcessEnv {
  const { [TAG_VARIABLE]: _tag, ...env } = process.env;
  return env;
}

export async function launchDaemon(paths: StatePaths, as?: LaunchAs): Promise<ChildProcess> {
  const cli = process.argv[1];
  if (cli === undefined) throw new TsvncError('INTERNAL', 'cannot tell where the tsvnc program is');
  const passed = as ? ['--listen-fd', String(LISTEN_FD), '--env-fd', '0'] : paths.job === undefined ? [] : ['--job', paths.job];
  const [file, ...args] = [...(as?.prefix ?? []), '/bin/bash', '-c', closeInheritedFds(as ? LISTEN_FD : READY_FD), process.execPath, ...DAEMON_NODE_FLAGS, cli, 'daemon', '--foreground', '--ready-fd', String(READY_FD), ...passed];
  const child = spawn(file!, args, {
    // A job's daemon stays in the caller's session and process group: the scheduler tracks the job by them, and ends it with the job.
    detached: paths.job === undefined,
    stdio: [as ? 'pipe' : 'ignore', 'ignore', 'ignore', 'pipe', ...(as ? [as.listenFd] : [])],
    cwd: '/',
    env: { ...(as ? { PATH: '/usr/bin:/bin' } : ownEnvironment()), TSVNC_STATE_DIR: paths.dir, TSVNC_PROGRAM: cli },
  });
  if (as) child.stdin?.end(JSON.stringify(as.env));
  child.stdin?.on('error', () => undefined);
  const ready = child.stdio[READY_FD];
  if (ready === null || ready === undefined) throw new TsvncError('INTERNAL', 'no readiness pipe to the daemon');
  const said = await new Promise<string>((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(`${text}(no answer within ${READY_TIMEOUT_MS / 1000} s)`), READY_TIMEOUT_MS);
    ready.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    ready.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    child.once('error', (error) => resolve(error.message));
  });
  ready.destroy();
  child.unref();
  if (said.trim() !== READY_LINE) {
    const why = said.trim().replace(/^tsvnc: /, '') || 'it exited without saying why';
    throw new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon did not start: ${why}`, `see ${paths.daemonLog}, or run: tsvnc daemon --foreground`);
  }
  return child;
}
