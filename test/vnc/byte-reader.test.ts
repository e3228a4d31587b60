import test from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { byteReader } from '../../src/vnc/byte-reader.js';

test('reads exactly n bytes at a time and hands back the rest, the stream paused', async () => {
  const stream = new PassThrough();
  const reader = byteReader(stream, 'the peer');
  stream.write(Buffer.from('RFB 003.008\nabc'));
  assert.equal((await reader.read(12)).toString(), 'RFB 003.008\n');
  assert.equal((await reader.read(1)).toString(), 'a');
  assert.equal(reader.release().toString(), 'bc');
  assert.equal(stream.isPaused(), true);
});

test('a peer sending far more than a handshake needs fails it and is closed, instead of filling memory', async () => {
  const stream = new PassThrough();
  const reader = byteReader(stream, 'the viewer', 1024);
  stream.write(Buffer.alloc(600));
  stream.write(Buffer.alloc(600));
  await assert.rejects(reader.read(2000), /the viewer sent more than 1024 bytes during the handshake/);
  assert.equal(stream.destroyed, true);
});

test('fails, not hangs, when the stream ends first', async () => {
  const stream = new PassThrough();
  const reader = byteReader(stream, 'the server');
  const read = reader.read(4);
  stream.end(Buffer.from('ab'));
  await assert.rejects(read, /the server closed the connection/);
});
