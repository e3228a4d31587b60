import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { homeOf } from '../state/state-dir.js';
import { pipeline } from 'node:stream/promises';
import { parseDisplay } from '../display/display-number.js';
import { TsvncError } from '../errors.js';
import { followFile, lastLines, sessionLogPath } from '../session/log-file.js';
import { printLines, printableStream } from '../output/print.js';
import { quote } from '../output/printable.js';

export const spec = {
  command: 'logs <display>',
  describe: 'Print the log of session :N (server and session program output)',
  display: { required: true, describe: 'display, as :N' },
  options: {
    follow: { alias: 'f', type: 'boolean', default: false, describe: 'keep printing what is appended until interrupted, across session restarts' },
    lines: { alias: 'n', type: 'string', describe: 'print only the last N lines (those within the last 64 KiB)' },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

function parseLines(text: string | undefined): number | null {
  if (text === undefined) return null;
  const count = Number(text);
  if (!/^\d{1,9}$/.test(text) || count < 1) {
    throw new TsvncError('BAD_ARGUMENT', `--lines ${quote(text)} is not a positive integer`, 'give a number of lines, for example -n 50');
  }
  return count;
}

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

async function logSize(path: string, display: number): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new TsvncError('NO_LOG', `no log for :${display} at ${path}`, 'tsvnc list shows your sessions', { cause: error });
    }
    throw error;
  }
}

/** Streams rather than reads: logs of long-lived sessions grow large. Escaped: a session program writes what it likes. */
async function printRange(path: string, size: number): Promise<void> {
  if (size > 0) await pipeline(createReadStream(path, { end: size - 1 }), printableStream(), process.stdout, { end: false });
}

/** Until ^C, kill, or the reader of our pipe going away (tsvnc logs -f | head). */
async function follow(path: string, from: number): Promise<void> {
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  for (const name of signals) process.on(name, abort);
  // Never removed: a write still queued when we stop may fail after we return.
  process.stdout.on('error', abort);
  try {
    const escaped = printableStream();
    escaped.pipe(process.stdout, { end: false });
    await followFile(path, from, (chunk) => escaped.write(chunk), stop.signal);
  } finally {
    for (const name of signals) process.off(name, abort);
  }
}

export async function handler(argv: Args): Promise<void> {
  const display = parseDisplay(String(argv.display));
  const count = parseLines(argv.lines);
  const path = sessionLogPath(homeOf(process.env), hostname(), display);
  const size = await logSize(path, display);
  try {
    if (count === null) await printRange(path, size);
    else printLines(await lastLines(path, count));
  } catch (error) {
    if (isBrokenPipe(error)) return;
    throw error;
  }
  if (argv.follow) await follow(path, size);
}
