import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError } from '../../src/errors.js';
import {
  MAX_LINE_BYTES,
  encode,
  errorMessage,
  lineSplitter,
  parseMessage,
  type Request,
} from '../../src/daemon/protocol.js';
import { parseRequest } from '../../src/daemon/parse-request.js';

function badArgument(error: unknown): boolean {
  assert.ok(error instanceof TsvncError, `expected a TsvncError, got ${String(error)}`);
  assert.equal(error.code, 'BAD_ARGUMENT');
  return true;
}

function collect(): { lines: string[]; feed: (chunk: Buffer) => void } {
  const lines: string[] = [];
  return { lines, feed: lineSplitter((line) => lines.push(line)) };
}

describe('encode and parseRequest', () => {
  const requests: Request[] = [
    { op: 'ping' },
    { op: 'list' },
    { op: 'status', display: 3 },
    { op: 'kill', target: 'all', clean: true },
    { op: 'kill', target: 7, clean: false },
    {
      op: 'start',
      start: {
        display: 2, geometry: '1280x800', localhost: true, noXstartup: false, autokill: true, insecure: false,
        extraArgs: ['-AlwaysShared', 'a\nb'], env: { PATH: '/usr/bin', LANG: 'fr_FR.UTF-8', NAME: 'Zoë ✓' },
      },
    },
  ];

  it('encodes one line ending in a newline', () => {
    for (const request of requests) {
      const line = encode(request);
      assert.ok(line.endsWith('\n'));
      assert.equal(line.indexOf('\n'), line.length - 1, 'a newline inside a value must be escaped');
    }
  });

  it('round-trips every request', () => {
    for (const request of requests) assert.deepEqual(parseRequest(encode(request).trimEnd()), request);
  });

  it('refuses a line that is not JSON', () => {
    for (const line of ['', 'ping', '{"op":"ping"', "{'op':'ping'}"]) assert.throws(() => parseRequest(line), badArgument, JSON.stringify(line));
  });

  it('refuses an unknown or missing op', () => {
    for (const line of ['{"op":"shutdown"}', '{"op":"PING"}', '{}', '{"op":1}', 'null', '42', '"ping"', '[]', '{"type":"result","result":1}']) {
      assert.throws(() => parseRequest(line), badArgument, line);
    }
  });
});

describe('parseRequest checks the fields of each op', () => {
  const start = { noXstartup: false, insecure: false, extraArgs: [], env: { PATH: '/usr/bin' } };
  /** Each malformed request, with the field the one-line error must name. */
  const malformed: [string, unknown][] = [
    ['start is missing', { op: 'start' }],
    ['start is "x", not an object', { op: 'start', start: 'x' }],
    ['start.noXstartup is missing', { op: 'start', start: { ...start, noXstartup: undefined } }],
    ['start.display is "1", not a whole number', { op: 'start', start: { ...start, display: '1' } }],
    ['start.depth is 1.5, not a whole number', { op: 'start', start: { ...start, depth: 1.5 } }],
    ['start.localhost is "yes", not true or false', { op: 'start', start: { ...start, localhost: 'yes' } }],
    ['start.extraArgs is ["-a",1], not a list of strings', { op: 'start', start: { ...start, extraArgs: ['-a', 1] } }],
    ['start.env is {"HOME":null}, not an object of strings', { op: 'start', start: { ...start, env: { HOME: null } } }],
    ['start.umask is "077", not a whole number', { op: 'start', start: { ...start, umask: '077' } }],
    ['start.shell is a field this daemon does not know', { op: 'start', start: { ...start, shell: '/bin/sh' } }],
    ['all is "yes", not true or false', { op: 'list', all: 'yes' }],
    ['display is missing', { op: 'status' }],
    ['display is ":1", not a whole number', { op: 'status', display: ':1' }],
    ['target is missing', { op: 'kill', clean: false }],
    ['target is "*", not a whole number or "all"', { op: 'kill', target: '*', clean: false }],
    ['clean is missing', { op: 'kill', target: 1 }],
    ['force is a field this daemon does not know', { op: 'kill', target: 1, clean: false, force: true }],
    ['display is a field this daemon does not know', { op: 'ping', display: 1 }],
  ];

  for (const [problem, request] of malformed) {
    it(`refuses a request whose ${problem}`, () => {
      assert.throws(() => parseRequest(JSON.stringify(request)), (error: unknown) => {
        badArgument(error);
        const { message } = error as TsvncError;
        assert.equal(message, `the ${(request as { op: string }).op} control request is malformed: ${problem}`);
        assert.ok(!message.includes('\n'), 'one line');
        return true;
      });
    });
  }

  it('accepts every optional field of a start', () => {
    const full = {
      op: 'start', start: {
        ...start, display: 1, geometry: '800x600', depth: 24, desktop: 'd', localhost: false, securityTypes: 'VncAuth', rfbPort: 5901,
        xstartup: '/x', session: 'xfce', autokill: true, restart: 'on-failure', restartLimit: 3, restartWindow: 60, umask: 0o22,
      },
    };
    assert.deepEqual(parseRequest(JSON.stringify(full)), full);
  });
});

describe('parseMessage', () => {
  it('accepts log, result and error messages', () => {
    const messages = [
      { type: 'log', level: 'info', message: 'starting :1' },
      { type: 'result', result: { display: 1 } },
      { type: 'result', result: null },
      { type: 'error', code: 'DISPLAY_BUSY', message: ':1 is busy', hint: 'try :2' },
    ] as const;
    for (const message of messages) assert.deepEqual(parseMessage(encode(message).trimEnd()), message);
  });

  it('rejects an unknown type', () => {
    assert.throws(() => parseMessage('{"type":"progress","message":"x"}'), /unexpected daemon message/);
    assert.throws(() => parseMessage('{"op":"ping"}'), /unexpected daemon message/);
  });

  it('rejects a line that is not JSON', () => {
    assert.throws(() => parseMessage('not json'));
  });

  it('rejects an error with a code this version does not know, or without a message: it would have no exit status', () => {
    assert.throws(() => parseMessage('{"type":"error","code":"ALL_FINE","message":"killed :2"}'), /unexpected daemon message/);
    assert.throws(() => parseMessage('{"type":"error","code":"__proto__","message":"x"}'), /unexpected daemon message/);
    assert.throws(() => parseMessage('{"type":"error","code":"DISPLAY_BUSY"}'), /unexpected daemon message/);
  });
});

describe('errorMessage', () => {
  it('keeps code, message and hint of a TsvncError', () => {
    assert.deepEqual(errorMessage(new TsvncError('DISPLAY_BUSY', ':1 is in use', 'use :2')), {
      type: 'error', code: 'DISPLAY_BUSY', message: ':1 is in use', hint: 'use :2',
    });
  });

  it('has no hint key when the TsvncError has none', () => {
    const message = errorMessage(new TsvncError('NO_LOG', 'no log'));
    assert.deepEqual(message, { type: 'error', code: 'NO_LOG', message: 'no log' });
    assert.ok(!('hint' in message));
    assert.equal(encode(message), '{"type":"error","code":"NO_LOG","message":"no log"}\n');
  });

  it('turns a plain Error or any other value into INTERNAL', () => {
    assert.deepEqual(errorMessage(new Error('boom')), { type: 'error', code: 'INTERNAL', message: 'boom' });
    assert.deepEqual(errorMessage(new TypeError('bad type')), { type: 'error', code: 'INTERNAL', message: 'bad type' });
    assert.deepEqual(errorMessage('just text'), { type: 'error', code: 'INTERNAL', message: 'just text' });
  });
});

describe('lineSplitter', () => {
  it('joins a line split across chunks', () => {
    const { lines, feed } = collect();
    feed(Buffer.from('{"op":'));
    assert.deepEqual(lines, []);
    feed(Buffer.from('"ping"'));
    assert.deepEqual(lines, []);
    feed(Buffer.from('}\n'));
    assert.deepEqual(lines, ['{"op":"ping"}']);
  });

  it('splits several lines in one chunk, keeping the tail for later', () => {
    const { lines, feed } = collect();
    feed(Buffer.from('one\ntwo\nthr'));
    assert.deepEqual(lines, ['one', 'two']);
    feed(Buffer.from('ee\n'));
    assert.deepEqual(lines, ['one', 'two', 'three']);
  });

  it('ignores blank lines', () => {
    const { lines, feed } = collect();
    feed(Buffer.from('\n\none\n  \n\t\ntwo\n\n'));
    assert.deepEqual(lines, ['one', 'two']);
  });

  it('never emits a line without its newline', () => {
    const { lines, feed } = collect();
    feed(Buffer.from('no newline yet'));
    assert.deepEqual(lines, []);
  });

  it('throws once an unfinished line grows past MAX_LINE_BYTES', () => {
    const { lines, feed } = collect();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    assert.throws(() => {
      for (let i = 0; i <= MAX_LINE_BYTES / chunk.length; i++) feed(chunk);
    }, /too long/);
    assert.deepEqual(lines, []);
  });

  it('accepts a line of exactly MAX_LINE_BYTES in pieces', () => {
    const { lines, feed } = collect();
    feed(Buffer.alloc(MAX_LINE_BYTES, 'b'));
    feed(Buffer.from('\n'));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.length, MAX_LINE_BYTES);
  });

  it('refuses an over-long line even when it arrives whole in one chunk', () => {
    const { lines, feed } = collect();
    assert.throws(() => feed(Buffer.from(`${'c'.repeat(MAX_LINE_BYTES + 10)}\n`)), /too long/);
    assert.deepEqual(lines, []);
  });

  it('keeps a multi-byte character split across two chunks', () => {
    const { lines, feed } = collect();
    const bytes = Buffer.from('{"desktop":"Zoë"}\n');
    const cut = bytes.indexOf(0xc3) + 1;
    feed(bytes.subarray(0, cut));
    feed(bytes.subarray(cut));
    assert.deepEqual(lines, ['{"desktop":"Zoë"}']);
  });
});
