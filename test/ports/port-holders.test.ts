import test from 'node:test';
import assert from 'node:assert/strict';
import { entriesOnPort, holdersOf, isOutgoing } from '../../src/ports/port-holders.js';
import type { TcpEntry } from '../../src/proc/net-tcp.js';
import type { TcpHolder } from '../../src/model/probe-result.js';
import type { ProcessInfo } from '../../src/proc/process-info.js';

function entry(overrides: Partial<TcpEntry>): TcpEntry {
  return {
    family: 'ipv4',
    localAddress: '127.0.0.1',
    localPort: 5901,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'LISTEN',
    uid: 1000,
    inode: 100,
    timerActive: 0,
    timerSeconds: 0,
    ...overrides,
  };
}

function holder(overrides: Partial<TcpHolder>): TcpHolder {
  return {
    pid: 1, command: 'x', uid: 1000, state: 'ESTABLISHED', family: 'ipv4',
    local: '127.0.0.1:5901', remote: '127.0.0.1:40000', ...overrides,
  };
}

const NO_OWNERS = new Map<number, ProcessInfo[]>();

test('entriesOnPort keeps only entries whose local port matches', () => {
  const table = [
    entry({ localPort: 5901, inode: 1 }),
    entry({ localPort: 5902, inode: 2 }),
    entry({ localPort: 40000, remotePort: 5901, state: 'ESTABLISHED', inode: 3 }),
    entry({ family: 'ipv6', localAddress: '::1', localPort: 5901, inode: 4 }),
  ];
  assert.deepEqual(entriesOnPort(table, 5901).map((e) => e.inode), [1, 4]);
  assert.deepEqual(entriesOnPort(table, 5999), []);
});

test('a socket owned by one process gives one holder with its pid and command', () => {
  const owners = new Map([[100, [{ pid: 42, command: 'Xtigervnc :1', uid: 1000 }]]]);
  assert.deepEqual(holdersOf([entry({})], owners), [{
    pid: 42, command: 'Xtigervnc :1', uid: 1000, state: 'LISTEN', family: 'ipv4',
    local: '127.0.0.1:5901', remote: '0.0.0.0:0',
  }]);
});

test('an inode shared by two processes gives two holders', () => {
  const owners = new Map([[100, [
    { pid: 42, command: 'sshd: alice', uid: 0 },
    { pid: 43, command: 'sshd: alice@pts/0', uid: 1000 },
  ]]]);
  const holders = holdersOf([entry({ uid: 0 })], owners);
  assert.deepEqual(holders.map((h) => [h.pid, h.command, h.uid]), [
    [42, 'sshd: alice', 0],
    [43, 'sshd: alice@pts/0', 1000],
  ]);
  assert.ok(holders.every((h) => h.local === '127.0.0.1:5901' && h.state === 'LISTEN'));
});

test('a process without a known uid falls back to the socket\'s uid', () => {
  const owners = new Map([[100, [{ pid: 42, command: 'x' }]]]);
  assert.equal(holdersOf([entry({ uid: 1234 })], owners)[0]?.uid, 1234);
});

test('a socket nobody owns is listed with pid null', () => {
  assert.deepEqual(holdersOf([entry({ inode: 555, uid: 7 })], NO_OWNERS).map((h) => [h.pid, h.command, h.uid]), [[null, null, 7]]);
});

test('TIME_WAIT (inode 0) has pid null and the seconds until it expires', () => {
  // Inode 0 must not pick up whatever the owner map says about inode 0.
  const owners = new Map([[0, [{ pid: 99, command: 'bogus', uid: 0 }]]]);
  const [h, ...rest] = holdersOf([entry({
    state: 'TIME_WAIT', inode: 0, uid: 0, localPort: 5901, remoteAddress: '10.0.0.5', remotePort: 443,
    timerActive: 3, timerSeconds: 42.5,
  })], owners);
  assert.deepEqual(rest, []);
  assert.deepEqual(h, {
    pid: null, command: null, uid: 0, state: 'TIME_WAIT', family: 'ipv4',
    local: '127.0.0.1:5901', remote: '10.0.0.5:443', expiresInSeconds: 42.5,
  });
});

test('only TIME_WAIT holders carry expiresInSeconds', () => {
  const [h] = holdersOf([entry({ state: 'ESTABLISHED', timerActive: 2, timerSeconds: 7000 })], NO_OWNERS);
  assert.equal(h && 'expiresInSeconds' in h, false);
});

test('IPv6 endpoints are bracketed', () => {
  const [h] = holdersOf([entry({
    family: 'ipv6', localAddress: '::1', localPort: 5901, remoteAddress: '2001:db8::7', remotePort: 50000, state: 'ESTABLISHED',
  })], NO_OWNERS);
  assert.equal(h?.family, 'ipv6');
  assert.equal(h?.local, '[::1]:5901');
  assert.equal(h?.remote, '[2001:db8::7]:50000');
});

test('holders follow the order of the entries', () => {
  const owners = new Map([[1, [{ pid: 10, command: 'a' }]], [2, [{ pid: 20, command: 'b' }]]]);
  assert.deepEqual(holdersOf([entry({ inode: 2 }), entry({ inode: 1 })], owners).map((h) => h.pid), [20, 10]);
  assert.deepEqual(holdersOf([], owners), []);
});

test('isOutgoing: a connection on the port while nobody listens there', () => {
  const conn = holder({ state: 'ESTABLISHED' });
  assert.equal(isOutgoing(conn, [conn]), true);
  assert.equal(isOutgoing(holder({ state: 'SYN_SENT' }), [holder({ state: 'SYN_SENT' })]), true);
});

test('isOutgoing: connections accepted by a listener on the port are not outgoing', () => {
  const listener = holder({ state: 'LISTEN', remote: '0.0.0.0:0' });
  const accepted = holder({ state: 'ESTABLISHED' });
  assert.equal(isOutgoing(accepted, [listener, accepted]), false);
});

test('isOutgoing: a listener itself is not outgoing', () => {
  const listener = holder({ state: 'LISTEN' });
  assert.equal(isOutgoing(listener, [listener]), false);
});
