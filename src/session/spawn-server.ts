import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { TsvncError } from '../errors.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import type { ExitInfo, RfbAddress } from '../model/session-record.js';
import { failureSummary } from './failure-summary.js';
import { spawnDetached } from './spawn-detached.js';
import { localConnectFailure } from '../probe/local-failure.js';

/** A leftover .tXn-lock alone costs the server 6 s; anything beyond this is a hang. */
const READY_TIMEOUT_MS = 30_000;
const BANNER_TIMEOUT_MS = 2_000;

export interface ServerSpec {
  binary: string;
  args: string[];
  display: number;
  /** Where its RFB greeting is checked: its port, or its Unix socket with one-time passwords. */
  rfb: RfbAddress;
  logFd: number;
  log: string;
  env: Record<string, string>;
  cwd: string;
  umask?: number | undefined;
  /** Called as soon as the pid exists, before readiness: the X lock must name the server at once. */
  onSpawn: (server: ProcessIdentity) => Promise<void>;
}

export interface StartedServer {
  identity: ProcessIdentity;
  exited: Promise<ExitInfo>;
}

/** The display number arrives on -displayfd once the server is ready; closing the pipe earlier kills it. */
function displayFdLine(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    stream.once('close', () => resolve(text));
  });
}

/**
 * An RFB server greets first with "RFB xxx.yyy\n": proof that the port is the server's, not a squatter's.
 * A connection that fails on this machine (no free local port) is no answer about the server: it rejects.
 */
function rfbBanner(address: RfbAddress, host = '127.0.0.1'): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = connect('path' in address ? { path: address.path } : { host, port: address.port });
    let text = '';
    const done = (value: string | null) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(BANNER_TIMEOUT_MS, () => done(null));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.length >= 12) done(/^RFB \d{3}\.\d{3}\n/.test(text) ? text.slice(0, 11) : null);
    });
    socket.once('error', (error) => {
      const local = localConnectFailure(error);
      if (local === null) return done(null);
      socket.destroy();
      reject(new TsvncError('SERVER_FAILED', `tsvnc could not connect to ${where(address)} to check its new server: ${local.code}, ${local.why}`, `the server was stopped; ${local.fix}`));
    });
  });
}

function where(address: RfbAddress): string {
  return 'path' in address ? `its socket ${address.path}` : `port ${address.port}`;
}

/**
 * Spawns Xtigervnc in its own session (a daemon crash never takes it down)
 * with its output going straight to the session log, and resolves once it is
 * ready: the display number on -displayfd, then its RFB greeting. No sleeps.
 */
export async function spawnServer(spec: ServerSpec): Promise<StartedServer> {
  const child = spawnDetached(spec.binary, spec.args, { logFd: spec.logFd, env: spec.env, cwd: spec.cwd, umask: spec.umask, readyPipe: true });
  const { exited } = child;
  const { identity } = child;
  const fd = child.readyFd;
  if (identity === null || fd === null) {
    const info = await exited;
    const why = info.error === undefined ? await failureSummary(spec.log, info) : ` (${info.error})`;
    throw new TsvncError('SERVER_FAILED', `the X server for :${spec.display} did not start${why}`, `see ${spec.log}`);
  }
  try {
    await spec.onSpawn(identity);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      displayFdLine(fd).then((line) => ({ line })),
      exited.then((info) => ({ info })),
      new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), READY_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if ('timeout' in outcome) throw new TsvncError('SERVER_FAILED', `:${spec.display} was not ready within ${READY_TIMEOUT_MS / 1000} s`, `see ${spec.log}`);
    if ('info' in outcome || outcome.line.trim() !== String(spec.display)) {
      const info = 'info' in outcome ? outcome.info : await Promise.race([exited, delay(1000, null)]);
      throw new TsvncError('SERVER_FAILED', `the X server for :${spec.display} exited before it was ready${await failureSummary(spec.log, info)}`, `see ${spec.log}`);
    }
    if ((await rfbBanner(spec.rfb)) === null && ('path' in spec.rfb || (await rfbBanner(spec.rfb, '::1')) === null)) {
      throw new TsvncError('SERVER_FAILED', `:${spec.display} is up but ${where(spec.rfb)} does not answer as a VNC server`, `see ${spec.log}; check the extra server options`);
    }
    return { identity, exited };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    fd.destroy();
  }
}
