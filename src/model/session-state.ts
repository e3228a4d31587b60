import type { SessionState } from './session-record.js';

/**
 * Every state, checked by the compiler against SessionState: a state added
 * there and forgotten here does not compile.
 */
const EVERY_STATE: Record<SessionState, true> = { starting: true, running: true, restarting: true, failed: true, stopped: true };
export const SESSION_STATES = Object.keys(EVERY_STATE) as readonly SessionState[];

/**
 * A session in one of these holds its display (its server's X lock, or its
 * daemon's between restarts): another start must not take the display, and
 * `--useold` reuses it. `failed` and `stopped` ones start afresh.
 */
export function isAlive(state: SessionState): boolean {
  return state === 'starting' || state === 'running' || state === 'restarting';
}
