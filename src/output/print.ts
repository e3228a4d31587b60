import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { printable, printableJson } from './printable.js';

/**
 * Everything tsvnc prints passes here and is escaped here (see printable.ts),
 * so no caller has to remember it for the data it shows.
 */

/** Results go to stdout, one write so a reader of a pipe never sees half of it. */
export function printJson(value: unknown): void {
  process.stdout.write(`${printableJson(JSON.stringify(value, null, 2))}\n`);
}

export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.map((line) => printable(line)).join('\n')}\n`);
}

/** Lines for stderr that are output, not diagnostics: a wrapper that prints its news there (TurboVNC's vncserver). */
export function printStderrLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stderr.write(`${lines.map((line) => printable(line)).join('\n')}\n`);
}

/** The CLI's one line about an error. */
export function printError(line: string): void {
  process.stderr.write(`${printable(line)}\n`);
}

/** A log passed through as it is written, line breaks kept; characters split across chunks are decoded whole. */
export function printableStream(): Transform {
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, printable(decoder.write(chunk), '\n'));
    },
    flush(done) {
      done(null, printable(decoder.end(), '\n'));
    },
  });
}
