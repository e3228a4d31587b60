import { TsvncError } from '../errors.js';
import type { Op, Request, RequestOf, StartRequest } from './protocol.js';

/**
 * The daemon's side of the socket: a request line becomes a `Request` only
 * once every field its op carries has the type the handlers rely on, and
 * no field is there that the daemon would not read (a client newer than the
 * daemon hears so, instead of an option silently ignored). The values
 * themselves (a geometry, a display's range) are judged by the handlers,
 * with the sentences the command line gives.
 */

/** What is wrong with the value at `at`, or null. */
type Check = (value: unknown, at: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const wrong = (v: unknown, at: string, what: string): string => (v === undefined ? `${at} is missing` : `${at} is ${JSON.stringify(v)?.slice(0, 40)}, not ${what}`);
const is = (test: (v: unknown) => boolean, what: string): Check => (v, at) => (test(v) ? null : wrong(v, at, what));
const integer = is(Number.isSafeInteger, 'a whole number');
const number = is((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const string = is((v) => typeof v === 'string', 'a string');
const boolean = is((v) => typeof v === 'boolean', 'true or false');
const strings = is((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'a list of strings');
const environment = is((v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string'), 'an object of strings');
const target = is((v) => v === 'all' || Number.isSafeInteger(v), 'a whole number or "all"');

/** A check for every field of T (`-?`: the compiler insists when a field is added), and which may be missing. */
type Spec<T> = { [K in keyof T]-?: { check: Check; optional: undefined extends T[K] ? true : false } };
const required = (check: Check) => ({ check, optional: false as const });
const optional = (check: Check) => ({ check, optional: true as const });

/** The first field that is wrong, unknown, or missing, named by its path (e.g. `start.depth`). */
function shape<T>(spec: Spec<T>): Check {
  const fields: [string, { check: Check; optional: boolean }][] = Object.entries(spec);
  return (v, at) => {
    if (!isObject(v)) return wrong(v, at, 'an object');
    const unknown = Object.keys(v).find((key) => !Object.hasOwn(spec, key));
    if (unknown !== undefined) return `${at}${at ? '.' : ''}${unknown.slice(0, 40)} is a field this daemon does not know`;
    for (const [key, { check, optional: canMiss }] of fields) {
      if (v[key] === undefined && canMiss) continue;
      const problem = check(v[key], at ? `${at}.${key}` : key);
      if (problem !== null) return problem;
    }
    return null;
  };
}

const START = shape<StartRequest>({
  display: optional(integer), geometry: optional(string), depth: optional(integer), desktop: optional(string),
  localhost: optional(boolean), securityTypes: optional(string), rfbPort: optional(integer), xstartup: optional(string),
  session: optional(string), noXstartup: required(boolean), autokill: optional(boolean), restart: optional(string),
  restartLimit: optional(number), restartWindow: optional(number), insecure: required(boolean), extraArgs: required(strings),
  env: required(environment), umask: optional(integer), passwordFile: optional(string), logFile: optional(string), idleTimeout: optional(integer), web: optional(boolean),
  webPort: optional(integer), otp: optional(string),
});

const op = required(() => null);
const REQUESTS: { [K in Op]: Check } = {
  ping: shape<RequestOf<'ping'>>({ op }),
  start: shape<RequestOf<'start'>>({ op, start: required(START) }),
  list: shape<RequestOf<'list'>>({ op, all: optional(boolean) }),
  status: shape<RequestOf<'status'>>({ op, display: required(integer) }),
  kill: shape<RequestOf<'kill'>>({ op, target: required(target), clean: required(boolean) }),
  web: shape<RequestOf<'web'>>({ op, display: required(integer), on: required(boolean), newToken: required(boolean), port: optional(integer) }),
  otp: shape<RequestOf<'otp'>>({ op, display: required(integer) }),
};

const isOp = (v: unknown): v is Op => typeof v === 'string' && Object.hasOwn(REQUESTS, v);

/** The one place a value from the socket becomes a Request: sound because REQUESTS has a check for every field of every op. */
function conforms(_value: Record<string, unknown>, problem: string | null): _value is Request {
  return problem === null;
}

/** One request line as the request it is, or a one-line BAD_ARGUMENT naming the first field that is wrong. */
export function parseRequest(line: string): Request {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TsvncError('BAD_ARGUMENT', 'the control request is not JSON', 'use the tsvnc command line');
  }
  const name = isObject(value) ? value.op : undefined;
  if (!isObject(value) || !isOp(name)) throw new TsvncError('BAD_ARGUMENT', `unknown control request ${JSON.stringify(name)}`, 'use the tsvnc command line');
  const problem = REQUESTS[name](value, '');
  if (!conforms(value, problem)) {
    throw new TsvncError('BAD_ARGUMENT', `the ${name} control request is malformed: ${problem}`, 'use the tsvnc command line of the same version as the daemon');
  }
  return value;
}
