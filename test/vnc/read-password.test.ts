import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { TsvncError } from '../../src/errors.js';
import { promptHidden, readFirstLine } from '../../src/vnc/read-password.js';

/** A terminal to type into: records raw mode switches and what was shown. */
function fakeTerminal() {
  const modes: boolean[] = [];
  const keyboard = Object.assign(new PassThrough(), { setRawMode: (mode: boolean) => modes.push(mode) });
  const screen = new PassThrough({ encoding: 'utf8' });
  let shown = '';
  screen.on('data', (text: string) => { shown += text; });
  return { keyboard, screen, modes, shown: () => shown };
}

async function type(chunks: string[]) {
  const terminal = fakeTerminal();
  const entered = promptHidden('Password: ', terminal.keyboard, terminal.screen);
  for (const chunk of chunks) terminal.keyboard.write(chunk);
  return { entered: await entered, terminal };
}

describe('promptHidden', () => {
  test('reads up to Enter in raw mode, echoing nothing, and restores the terminal', async () => {
    const { entered, terminal } = await type(['secret12\r']);
    assert.equal(entered, 'secret12');
    assert.deepEqual(terminal.modes, [true, false]);
    assert.equal(terminal.shown(), 'Password: \n');
  });

  test('keys typed one at a time, with backspace (DEL and ^H) and ^U', async () => {
    const keys = [...'junk', '\x15', ...'secrex', '\x7f', ...'t1', '\b', ...'12', '\r'];
    assert.equal((await type(keys)).entered, 'secret12');
  });

  test('a pasted line ends at its first line end; Ctrl-D also ends the line', async () => {
    assert.equal((await type(['secret12\nignored\n'])).entered, 'secret12');
    assert.equal((await type(['secret12\x04'])).entered, 'secret12');
  });

  test('arrow keys and other control characters are ignored', async () => {
    assert.equal((await type(['sec', '\x1b[D', 'ret\t12\r'])).entered, 'secret12');
  });

  test('Ctrl-C gives null and restores the terminal', async () => {
    const { entered, terminal } = await type(['sec\x03ret12\r']);
    assert.equal(entered, null);
    assert.deepEqual(terminal.modes, [true, false]);
  });

  test('the terminal going away gives null', async () => {
    const terminal = fakeTerminal();
    const entered = promptHidden('Password: ', terminal.keyboard, terminal.screen);
    terminal.keyboard.end('secr');
    assert.equal(await entered, null);
  });
});

describe('readFirstLine', () => {
  test('returns the first line without its line end, across chunks', async () => {
    assert.equal(await readFirstLine(Readable.from(['sec', 'ret12\nsecond\n'])), 'secret12');
    assert.equal(await readFirstLine(Readable.from([Buffer.from('secret12\r\n')])), 'secret12');
  });

  test('a last line without a newline counts; an empty line is an empty password', async () => {
    assert.equal(await readFirstLine(Readable.from(['secret12'])), 'secret12');
    assert.equal(await readFirstLine(Readable.from(['\n'])), '');
  });

  test('empty input gives null', async () => {
    assert.equal(await readFirstLine(Readable.from([])), null);
  });

  test('reads nothing past the first line', async () => {
    async function* input() {
      yield 'secret12\n';
      throw new Error('read past the first line');
    }
    assert.equal(await readFirstLine(input()), 'secret12');
  });

  test('endless input without a newline is refused', async () => {
    async function* zeros() {
      for (;;) yield Buffer.alloc(512);
    }
    await assert.rejects(readFirstLine(zeros()), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_ARGUMENT' && /longer than 1024 bytes/.test(error.message));
  });
});
