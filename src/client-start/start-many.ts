import { TsvncError } from '../errors.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import type { DaemonPaths } from '../system/system-paths.js';
import type { StartRequest, StartResult } from '../daemon/protocol.js';
import { quote } from '../output/printable.js';
import { startBrief } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

/** More at once than a display range holds is a typo, not a portal's morning. */
const MAX_COUNT = 100;

/** The options of `start` that mean one desktop, refused with --count. */
export interface OneDesktopFlags {
  json: boolean;
  useold: boolean;
  fg: boolean;
  dryRun: boolean;
  slurm: boolean;
  format?: string | undefined;
  connectionFile?: string | undefined;
}

export interface StartManyDeps {
  paths: () => Promise<DaemonPaths>;
  call: typeof callDaemon;
  printJson: (value: unknown) => void;
  printLines: (lines: readonly string[]) => void;
}

const REAL: StartManyDeps = { paths: userStatePaths, call: callDaemon, printJson, printLines };

export function parseCount(text: string): number {
  const count = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) throw new TsvncError('BAD_ARGUMENT', `--count ${quote(text)} is not a number of desktops`, `give a number from 1 to ${MAX_COUNT}`);
  return count;
}

function refuseOneDesktopOptions(req: StartRequest, flags: OneDesktopFlags): void {
  const one = [
    req.display !== undefined && ':N',
    req.rfbPort !== undefined && '--rfbport',
    flags.useold && '--useold',
    flags.fg && '--fg',
    flags.dryRun && '--dry-run',
    flags.slurm && '--slurm',
    flags.format !== undefined && '--format',
    flags.connectionFile !== undefined && '--connection-file',
  ].filter((name): name is string => name !== false);
  if (one.length > 0) throw new TsvncError('BAD_ARGUMENT', `--count starts several desktops, each on its own display and port: it does not go with ${one.join(', ')}`, 'leave those out, or start one desktop without --count');
}

/** "2 of 10 desktops did not start: <reason> (x2)": each distinct reason once, in the order they came. */
function failureError(failures: readonly TsvncError[], count: number): TsvncError {
  const reasons = new Map<string, number>();
  for (const error of failures) reasons.set(error.message, (reasons.get(error.message) ?? 0) + 1);
  const said = [...reasons].map(([message, times]) => (times > 1 ? `${message} (x${times})` : message)).join('; ');
  const first = failures[0]!;
  return new TsvncError(first.code, `${failures.length} of ${count} desktops did not start: ${said}`, first.hint);
}

function asTsvncError(error: unknown): TsvncError {
  if (error instanceof TsvncError) return error;
  return new TsvncError('INTERNAL', error instanceof Error ? error.message : String(error), undefined, { cause: error });
}

/**
 * `start --count N`: N start requests at once, one connection each, which
 * the daemon serves concurrently (it chooses the displays one at a time and
 * starts the servers side by side). The daemon is made sure of first, so N
 * commands never race to launch N daemons. The desktops that started are
 * printed, lowest display first, one line each (or one JSON array), also when
 * some failed; then the failures are the command's error.
 */
export async function startMany(req: StartRequest, countText: string, flags: OneDesktopFlags, deps: StartManyDeps = REAL): Promise<void> {
  const count = parseCount(countText);
  refuseOneDesktopOptions(req, flags);
  const paths = await deps.paths();
  await deps.call(paths, { op: 'ping' });
  const settled = await Promise.allSettled(Array.from({ length: count }, () => deps.call(paths, { op: 'start', start: req })));
  const started = settled
    .filter((s): s is PromiseFulfilledResult<StartResult> => s.status === 'fulfilled')
    .map((s) => s.value)
    .sort((a, b) => a.display - b.display);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => asTsvncError(s.reason));
  if (flags.json) deps.printJson(started);
  else deps.printLines(started.flatMap(startBrief));
  if (failures.length > 0) throw failureError(failures, count);
}
