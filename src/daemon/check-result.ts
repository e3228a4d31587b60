import type { KillResult, ListedSession, Op, PingResult, ResultOf, StartResult, StatusResult, WebInfo, WebResult, OtpResult } from './protocol.js';

/**
 * The client's side of the socket: a result becomes the type of the op
 * asked only once its shape is checked. The CLI's own daemon could be
 * trusted, but the system daemon is a client too, of every user's daemon,
 * and a user can make their own daemon answer anything: so what root
 * acts on (a display, a pid, a list it walks) is checked here, for every
 * caller alike. Only the shape is checked, not the values: the text is
 * escaped where it is printed, and root believes the kernel, not a claim.
 */
type Guard<T> = (v: unknown) => v is T;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const integer = (v: unknown): v is number => Number.isSafeInteger(v);
const string = (v: unknown): v is string => typeof v === 'string';
const orNull = <T>(guard: Guard<T>) => (v: unknown): v is T | null => v === null || guard(v);
const maybe = <T>(guard: Guard<T>) => (v: unknown): v is T | undefined => v === undefined || guard(v);
const listOf = <T>(guard: Guard<T>) => (v: unknown): v is T[] => Array.isArray(v) && v.every(guard);

function isSummary(v: unknown): v is Record<string, unknown> & ListedSession {
  return isObject(v) && integer(v.display) && string(v.state) && orNull(integer)(v.pid) && integer(v.rfbPort)
    && string(v.startedAt) && orNull((x) => typeof x === 'number')(v.uptimeSeconds) && integer(v.restarts)
    && orNull(isObject)(v.lastExit) && orNull(string)(v.reason) && string(v.log)
    && maybe(string)(v.user) && maybe(string)(v.conflict);
}

const isWeb = (v: unknown): v is WebInfo => isObject(v) && string(v.url) && integer(v.port) && string(v.fingerprint);

const RESULTS: { [K in Op]: Guard<ResultOf<K>> } = {
  ping: (v): v is PingResult => isObject(v) && integer(v.pid) && (v.system === undefined || v.system === true),
  start: (v): v is StartResult => isSummary(v) && string(v.host) && typeof v.localhost === 'boolean' && isObject(v.options) && listOf(string)(v.options.securityTypes) && maybe(isWeb)(v.web) && maybe(string)(v.otp),
  list: listOf(isSummary),
  status: (v): v is StatusResult => isSummary(v) && string(v.host) && isObject(v.options) && typeof v.options.localhost === 'boolean'
    && orNull(integer)(v.programPid) && listOf(string)(v.lastLog) && maybe(isWeb)(v.web) && maybe(listOf(string))(v.notServed),
  kill: (v): v is KillResult => isObject(v) && listOf(integer)(v.killed),
  web: (v): v is WebResult => isObject(v) && integer(v.display) && orNull(isWeb)(v.web),
  otp: (v): v is OtpResult => isObject(v) && integer(v.display) && string(v.password),
};

/** The daemon's result as the result of `op`; out of shape it throws, and the client says the daemon answered nonsense. */
export function checkResult<K extends Op>(op: K, value: unknown): ResultOf<K> {
  const valid: Guard<ResultOf<K>> = RESULTS[op];
  if (valid(value)) return value;
  throw new Error(`its ${op} result is not shaped as one: ${JSON.stringify(value)?.slice(0, 80)}`);
}
