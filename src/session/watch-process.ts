import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, type ProcessIdentity } from '../proc/process-identity.js';
import { decodeXauth } from '../xauth/xauth-file.js';
import { openXConnection, type XConnection } from '../x11/x-connection.js';
import type { ExitInfo } from '../model/session-record.js';
import { waitGone } from './stop-process.js';

const WATCH_INTERVAL_MS = 500;
/** A dying process closes its sockets a moment before /proc shows it gone. */
const EXIT_SETTLE_MS = 1_000;

const unknownExit = (): ExitInfo => ({ code: null, signal: null, at: new Date().toISOString() });

/**
 * Resolves when a process that is not our child (adopted from an earlier
 * daemon) ends. Linux gives no exit event for a non-child without pidfd,
 * which node lacks, so this looks twice a second: deaths are seen within
 * about half a second at a negligible cost. Its exit status is lost with it.
 */
export async function watchExit(id: ProcessIdentity, signal: AbortSignal): Promise<ExitInfo> {
  while (!signal.aborted && (await isRunning(id))) {
    await delay(WATCH_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
  }
  return unknownExit();
}

/** The cookie of the server's -auth file, for an authorized connection. */
async function cookieOf(authFile: string, display: number): Promise<Buffer> {
  const entry = decodeXauth(await readFile(authFile)).find((e) => e.display === String(display));
  if (!entry) throw new Error(`${authFile} holds no cookie for :${display}`);
  return entry.data;
}

/** A held authorized connection to a server we did not start (its cookie from its -auth file). */
async function connectAdopted(display: number, authFile: string): Promise<XConnection> {
  return openXConnection(display, await cookieOf(authFile, display));
}

/**
 * An adopted server's death as an event: the held X connection closes when
 * the server dies, and /proc confirms it (an X client killed with xkill
 * also sees its connection closed, and then connects again). Without a
 * connection (no cookie file, no socket) it falls back to watchExit.
 */
export async function watchServer(id: ProcessIdentity, display: number, authFile: string, signal: AbortSignal): Promise<ExitInfo> {
  let connection: XConnection | null = null;
  while (!signal.aborted) {
    connection ??= await connectAdopted(display, authFile).catch(() => null);
    if (connection === null) return watchExit(id, signal);
    const current = connection;
    const onAbort = () => current.close();
    signal.addEventListener('abort', onAbort, { once: true });
    await current.closed;
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) break;
    if (await waitGone([id], EXIT_SETTLE_MS)) return unknownExit();
    connection = null;
  }
  return unknownExit();
}
