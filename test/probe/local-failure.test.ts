import test from 'node:test';
import assert from 'node:assert/strict';
import { localConnectFailure } from '../../src/probe/local-failure.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5902`), { code });
}

test('a connection that failed on this machine is told apart from one the other end refused', () => {
  assert.match(localConnectFailure(errno('EADDRNOTAVAIL'))?.why ?? '', /ip_local_port_range/);
  assert.match(localConnectFailure(errno('EMFILE'))?.why ?? '', /file descriptor/);
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'toString']) assert.equal(localConnectFailure(errno(code)), null, code);
  assert.equal(localConnectFailure(new Error('no code')), null);
});
