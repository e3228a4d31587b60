import { spawn } from 'node:child_process';
import { TsvncError } from '../errors.js';
import type { StatePaths } from '../state/state-dir.js';

const READY_TIMEOUT_MS = 10_000;
export const READY_LINE = 'ready';

/**
 * A long-lived daemon with a small live heap: V8's default 16 MB young
 * generation would be most of its memory, and optimised code buys nothing
 * for a process that mostly waits (measured: 105 MB RSS with 50 sessions
 * without these, 61 MB with them; the systemd units pass the same flags).
 */
const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode'];

/**
 * Descriptors our caller left open without close-on-exec (a job script's
 * flock, say) would otherwise live on in the daemon and in every server it
 * starts. bash, not sh: dash cannot name descriptors above 9.
 */
const CLOSE_INHERITED_FDS = 'for f in /proc/self/fd/*; do n=${f##*/}; [ "$n" -gt 3 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$0" "$@"';

/**
 * Starts `tsvnc daemon --foreground` detached (own session, no tie to this
 * terminal or to a pipe our caller reads) and waits until it says it listens,
 * on a pipe given as fd 3: readiness from the daemon itself, no polling.
 * node:child_process rather than execa: this runs on the CLI's short path,
 * where loading execa would cost more than the rest of the command.
 */
export async function launchDaemon(paths: StatePaths, as?: { prefix: string[]; env: Record<string, string> }): Promise<void> {
  const cli = process.argv[1];
  if (cli === undefined) throw new TsvncError('INTERNAL', 'cannot tell where the tsvnc program is');
  // The system daemon starts users' daemons through `as.prefix` (setpriv) with their login environment.
  const [file, ...args] = [...(as?.prefix ?? []), '/bin/bash', '-c', CLOSE_INHERITED_FDS, process.execPath, ...DAEMON_NODE_FLAGS, cli, 'daemon', '--foreground', '--ready-fd', '3'];
  const child = spawn(file!, args, {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    cwd: '/',
    env: { ...(as?.env ?? process.env), TSVNC_STATE_DIR: paths.dir },
  });
  const ready = child.stdio[3];
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
}
