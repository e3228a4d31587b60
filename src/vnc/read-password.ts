import { TsvncError } from '../errors.js';

/** What the prompt needs of a terminal, so tests can type into a fake one. */
export interface Keyboard extends NodeJS.ReadableStream {
  setRawMode(mode: boolean): unknown;
}

const ENTER = new Set(['\r', '\n', '\x04']);
const ERASE = new Set(['\x7f', '\b']);
const CTRL_C = '\x03';
const CTRL_U = '\x15';
/** Longer than any password worth reading: stops `tsvnc passwd < /dev/zero` from reading forever. */
const MAX_LINE_BYTES = 1024;

/**
 * Reads one line without echo. Raw mode turns Ctrl-C into a plain character,
 * so it is handled here: the promise resolves to null and the caller aborts.
 * Ctrl-D ends the line like Enter; escape sequences (arrow keys) are ignored.
 */
export function promptHidden(prompt: string, keyboard: Keyboard, out: NodeJS.WritableStream): Promise<string | null> {
  return new Promise((resolve) => {
    const typed: string[] = [];
    const finish = (result: string | null) => {
      keyboard.removeListener('data', onData);
      keyboard.removeListener('end', onEnd);
      keyboard.setRawMode(false);
      keyboard.pause();
      // Enter was not echoed either: end the prompt's line.
      out.write('\n');
      resolve(result);
    };
    const onEnd = () => finish(null);
    const onData = (chunk: string | Buffer) => {
      const text = String(chunk);
      if (text.startsWith('\x1b')) return;
      for (const char of text) {
        if (char === CTRL_C) return finish(null);
        if (ENTER.has(char)) return finish(typed.join(''));
        if (ERASE.has(char)) typed.pop();
        else if (char === CTRL_U) typed.length = 0;
        else if (char >= ' ') typed.push(char);
      }
    };
    keyboard.setRawMode(true);
    keyboard.setEncoding('utf8');
    keyboard.on('data', onData);
    keyboard.on('end', onEnd);
    keyboard.resume();
    out.write(prompt);
  });
}

/**
 * For `echo PASSWORD | tsvnc passwd`: the first line, without its line end,
 * or null when the input is empty. Reads no further than that line.
 */
export async function readFirstLine(input: AsyncIterable<string | Buffer>): Promise<string | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const bytes = Buffer.from(chunk);
    const newline = bytes.indexOf(0x0a);
    chunks.push(newline >= 0 ? bytes.subarray(0, newline) : bytes);
    length += bytes.length;
    if (newline >= 0) return lineText(chunks);
    if (length > MAX_LINE_BYTES) {
      throw new TsvncError('BAD_ARGUMENT', `the first line of standard input is longer than ${MAX_LINE_BYTES} bytes`, 'give the password alone on one line');
    }
  }
  return length === 0 ? null : lineText(chunks);
}

function lineText(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}
