import { setTimeout as sleep } from 'node:timers/promises';
import { TsvncError } from '../errors.js';
import { callDaemon } from '../daemon/control-client.js';
import type { StatePaths } from '../state/state-dir.js';
import type { StatusResult } from '../daemon/protocol.js';
import type { SessionSummary } from '../model/session-record.js';
import { unlessGone } from './unless-gone.js';

/** Often enough that a unit manager sees the end promptly, rarely enough to cost nothing. */
const POLL_MS = 500;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type Ending = { how: 'gone' | 'stopped' | 'killed' } | { how: 'failed'; reason: string };

/**
 * Whether the session that started at `startedAt` has ended, judged from a
 * status answer (null: the daemon no longer has a session on the display).
 * A session started afresh on the display since is another one: ours ended.
 */
export function sessionEnding(status: Pick<StatusResult, 'state' | 'startedAt' | 'reason'> | null, startedAt: string): Ending | null {
  if (status === null || status.startedAt !== startedAt) return { how: 'gone' };
  if (status.state === 'stopped') return { how: 'stopped' };
  if (status.state === 'failed') return { how: 'failed', reason: status.reason ?? 'the server failed' };
  return null;
}

/**
 * Stays until the session ends, through the daemon's status answers (a
 * restarting server is still the same session). SIGINT, SIGTERM or SIGHUP
 * kill the session first, so a unit manager or Ctrl-C stopping this process
 * stops the desktop. Resolves with how it ended; a failure is thrown.
 */
export async function followSession(paths: StatePaths, session: Pick<SessionSummary, 'display' | 'startedAt'>): Promise<Ending> {
  const { display } = session;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    for (;;) {
      const ending = sessionEnding(await unlessGone(callDaemon(paths, { op: 'status', display })), session.startedAt);
      if (ending?.how === 'failed') throw new TsvncError('SERVER_FAILED', `:${display} failed: ${ending.reason}`, `tsvnc status :${display} shows its last log lines`);
      if (ending) return ending;
      if (stop.signal.aborted) break;
      await sleep(POLL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
    }
    await unlessGone(callDaemon(paths, { op: 'kill', target: display, clean: false }));
    return { how: 'killed' };
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

export function endingText(display: number, ending: Ending): string {
  switch (ending.how) {
    case 'gone': return `:${display} ended`;
    case 'stopped': return `:${display} stopped: its server exited normally`;
    case 'killed': return `killed :${display}`;
    case 'failed': return `:${display} failed: ${ending.reason}`;
  }
}
