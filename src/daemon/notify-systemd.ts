import { logger } from '../log.js';
import { fixedProgram } from '../tools/system-tools.js';

/**
 * Under a Type=notify unit, tells systemd the daemon is ready. Node cannot
 * send the datagram to NOTIFY_SOCKET itself, so systemd-notify does; the
 * unit needs NotifyAccess=all for a helper's message to count.
 */
export async function notifySystemdReady(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!env.NOTIFY_SOCKET) return;
  const { execa } = await import('execa');
  let program: string;
  try {
    program = fixedProgram('systemd-notify');
  } catch (error) {
    logger.warn(`could not tell systemd the daemon is ready: ${(error as Error).message}`);
    return;
  }
  const result = await execa(program, ['--ready', `--pid=${process.pid}`, `--status=serving ${env.TSVNC_STATE_DIR ?? ''}`.trim()], { reject: false, env: { NOTIFY_SOCKET: env.NOTIFY_SOCKET }, extendEnv: false });
  if (result.failed) logger.warn(`could not tell systemd the daemon is ready: ${result.shortMessage}`);
}
