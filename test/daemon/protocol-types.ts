/**
 * Compile-time checks of the typed protocol: tsc fails on this file when a
 * call's result stops following its op, or a wrong request or handler is
 * let through. Nothing here runs.
 */
import type { callDaemon } from '../../src/daemon/control-client.js';
import type { Handlers, KillResult, ListedSession, PingResult, Request, StartResult, StatusResult } from '../../src/daemon/protocol.js';
import type { DaemonPaths } from '../../src/system/system-paths.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const exactly = <A, B>(proof: Equal<A, B>): Equal<A, B> => proof;

declare const call: typeof callDaemon;
declare const paths: DaemonPaths;

export async function results(): Promise<void> {
  exactly<Awaited<ReturnType<typeof call<'ping'>>>, PingResult>(true);
  const listed = await call(paths, { op: 'list', all: true });
  exactly<typeof listed, ListedSession[]>(true);
  const status: StatusResult = await call(paths, { op: 'status', display: 1 });
  const started: StartResult = await call(paths, { op: 'start', start: { noXstartup: false, insecure: false, extraArgs: [], env: {} } });
  const killed: KillResult = await call(paths, { op: 'kill', target: 'all', clean: false });
  // @ts-expect-error a status answers with one session, not a list
  const wrong: ListedSession[] = await call(paths, { op: 'status', display: 1 });
  // @ts-expect-error a kill needs its target
  await call(paths, { op: 'kill', clean: false });
  // @ts-expect-error no op of that name
  await call(paths, { op: 'shutdown' });
  void [status, started, killed, wrong];
}

export const handlers: Handlers = {
  ping: async () => ({ pid: 1 }),
  start: async (request) => ({ ...(await Promise.reject<StartResult>(request.start)) }),
  list: async () => [],
  status: async (request) => Promise.reject<StatusResult>(request.display),
  // @ts-expect-error a kill's handler answers with what it killed
  kill: async () => ({ pid: 1 }),
};

export function narrowed(request: Request): number | undefined {
  // The union is discriminated by op: each branch sees only its own fields.
  return request.op === 'status' ? request.display : undefined;
}
