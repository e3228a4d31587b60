import { MAX_DISPLAY, MAX_PORT } from '../display/display-number.js';
import { RESTART_MODES } from './restart-policy.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import type { SessionRecord, SessionState } from './session-record.js';
import { SESSION_STATES } from './session-state.js';

/** What is wrong with the value at `at`, or null. */
type Check = (value: unknown, at: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => (v === undefined ? 'missing' : `${JSON.stringify(v)?.slice(0, 40)}`);
const is = (test: (v: unknown) => boolean, what: string): Check => (v, at) => (test(v) ? null : `${at} is ${shown(v)}, not ${what}`);
const integer = (min: number, max: number): Check => is((v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max, `a whole number from ${min} to ${max}`);
const string = is((v) => typeof v === 'string', 'a string');
const boolean = is((v) => typeof v === 'boolean', 'true or false');
const count = integer(0, Number.MAX_SAFE_INTEGER);
const finite = is((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const orNull = (check: Check): Check => (v, at) => (v === null ? null : check(v, at));
const oneOf = (values: readonly string[]): Check => is((v) => values.includes(v as string), `one of ${values.join(', ')}`);
const listOf = (check: Check): Check => (v, at) =>
  Array.isArray(v) ? v.map((item, i) => check(item, `${at}[${i}]`)).find((p) => p !== null) ?? null : `${at} is ${shown(v)}, not a list`;

/** Each field with its check; the first bad one is named by its path, e.g. `options.rfbPort`. */
function shape(spec: Record<string, Check>, optional: readonly string[] = []): Check {
  return (v, at) => {
    if (!isObject(v)) return `${at || 'the content'} is ${shown(v)}, not an object`;
    for (const [key, check] of Object.entries(spec)) {
      if (v[key] === undefined && optional.includes(key)) continue;
      const problem = check(v[key], at ? `${at}.${key}` : key);
      if (problem !== null) return problem;
    }
    return null;
  };
}

const identity = shape({ pid: integer(1, 0x7fffffff), startTicks: count });
const exit = shape({ code: orNull(integer(-0x80000000, 0x7fffffff)), signal: orNull(string), at: string, error: string }, ['error']);
const options = shape({
  geometry: string, depth: count, desktop: string, localhost: boolean, securityTypes: listOf(string), rfbPort: integer(1, MAX_PORT),
  xstartup: orNull(string), autokill: boolean, extraArgs: listOf(string),
  restart: shape({ mode: oneOf(RESTART_MODES), limit: count, windowSeconds: finite }),
  logRotation: shape({ maxBytes: count, keep: count }), passwordFile: string, logFile: string, idleTimeout: count,
  web: shape({ port: integer(1, MAX_PORT), token: string, cert: string, key: string }, ['cert', 'key']),
  x509: shape({ cert: string, key: string }),
  otp: shape({ only: boolean, socket: string, serverPasswordFile: string }),
}, ['logRotation', 'passwordFile', 'logFile', 'idleTimeout', 'web', 'x509', 'otp']);
const record = shape({
  display: integer(0, MAX_DISPLAY), state: oneOf(SESSION_STATES), options, server: orNull(identity), program: orNull(identity),
  log: string, authFile: string, xauthority: string, startedAt: string, restarts: count, lastExit: orNull(exit), reason: orNull(string),
  binary: string, env: shape({}), home: string, failures: listOf(finite), tag: string,
}, ['tag']);
const environment = (v: Record<string, unknown>): string | null => Object.entries(v).map(([k, x]) => string(x, `env.${k}`)).find((p) => p !== null) ?? null;

/** A session file as every version writes it: one flat shape for all states, `tag` absent before tags existed. */
type Saved = Omit<SessionRecord, 'state' | 'server' | 'reason' | 'tag'> & {
  state: SessionState;
  server: ProcessIdentity | null;
  reason: string | null;
  tag?: string;
};

/** The saved shape as the record of its state, or what that state lacks. */
function ofItsState(saved: Saved): SessionRecord | string {
  const { state, server, reason, tag = '' } = saved;
  const base = { ...saved, tag };
  switch (state) {
    case 'starting': return { ...base, state, server, reason: null };
    // Adopting a restarting session's server kept its reason until a later save: running is running.
    case 'running': return server === null ? 'server is null, but a running session has one' : { ...base, state, server, reason: null };
    default: return reason === null ? `reason is null, but a ${state} session says why` : { ...base, state, server, reason };
  }
}

/**
 * A session file's content as a record, or what is wrong with it: a file
 * damaged by hand, by a full disk or by another version must never reach
 * code that trusts its shape. `display` is the one its file name says.
 */
export function validateRecord(value: unknown, display: number): { record: SessionRecord } | { problem: string } {
  const problem = record(value, '') ?? environment((value as { env: Record<string, unknown> }).env);
  if (problem !== null) return { problem };
  const checked = value as Saved;
  if (checked.display !== display) return { problem: `display is ${checked.display}, not the ${display} its file name says` };
  const typed = ofItsState(checked);
  return typeof typed === 'string' ? { problem: typed } : { record: typed };
}
