import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  identify,
  identifyChild,
  isRunning,
  parseStat,
  readStat,
  sessionMembers,
} from '../../src/proc/process-identity.js';
import { until } from '../helpers/until.js';

async function memberPids(sid: number): Promise<number[]> {
  return (await sessionMembers(sid)).map((member) => member.pid);
}

// comm "(a) b (c)": spaces and parentheses, as a program may name itself.
const STAT = '1234 ((a) b (c)) S 1 1230 1229 0 -1 4194560 150 0 0 0 3 1 0 0 20 0 1 0 98765 5423104 320 '
  + '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 2 0 0 0 0 0\n';

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

test('parseStat reads state, pgrp, session and start ticks after the last parenthesis', () => {
  assert.deepEqual(parseStat(STAT), { state: 'S', pgrp: 1230, session: 1229, startTicks: 98765 });
});

test('parseStat copes with a comm of ") Z 9 9 9"', () => {
  const stat = '77 () Z 9 9 9) R 1 70 71 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0\n';
  assert.deepEqual(parseStat(stat), { state: 'R', pgrp: 70, session: 71, startTicks: 555 });
});

test('parseStat refuses a truncated or empty line', () => {
  assert.equal(parseStat('1234 (x) S 1 1234'), null);
  assert.equal(parseStat(''), null);
  assert.equal(parseStat('1234 (x) S 1 a b 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555'), null);
});

test('parseStat agrees with the real /proc/self/stat', async () => {
  // Read synchronously: the main thread, whose state /proc/self/stat shows, is then running.
  const fields = parseStat(readFileSync('/proc/self/stat', 'utf8'));
  assert.ok(fields);
  assert.equal(fields.state, 'R');
  assert.ok(fields.startTicks > 0);
  assert.equal(fields.startTicks, (await identify(process.pid))?.startTicks);
});

test('identify, identifyChild and isRunning on this process', async () => {
  const id = await identify(process.pid);
  assert.ok(id);
  assert.equal(id.pid, process.pid);
  assert.deepEqual(identifyChild(process.pid), id);
  assert.equal(await isRunning(id), true);
  assert.equal(await isRunning({ pid: process.pid, startTicks: id.startTicks + 1 }), false);
  assert.equal(await isRunning({ pid: process.pid, startTicks: 0 }), false);
});

test('a spawned child is identified and running, then not once it exits', async (t) => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  assert.ok(child.pid !== undefined);
  const id = identifyChild(child.pid);
  assert.ok(id);
  assert.equal(id.pid, child.pid);
  assert.deepEqual(await identify(child.pid), id);
  assert.equal(await isRunning(id), true);
  const mine = await identify(process.pid);
  assert.ok(mine && id.startTicks >= mine.startTicks);

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  assert.equal(await isRunning(id), false);
  assert.equal(await identify(id.pid), null);
  assert.equal(identifyChild(id.pid), null);
});

test('a zombie is not running, though it can still be identified', async (t) => {
  // The short sleep outlives sh, which has by then become the long sleep: that never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill('SIGKILL'));
  const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
  const pid = Number(chunk.toString().trim());
  const id = await identify(pid);
  assert.ok(id);
  assert.equal(await isRunning(id), true);
  await until(async () => (await readStat(pid))?.state === 'Z', 'the short sleep to become a zombie');
  assert.deepEqual(await identify(pid), id);
  assert.equal(await isRunning(id), false);
});

test('identifyChild sees a child that exited before node reaped it', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  assert.ok(child.pid !== undefined);
  // Synchronously, right after spawn: the exit is not reaped before we yield.
  const id = identifyChild(child.pid);
  assert.ok(id, 'identifyChild must see the child, zombie or not');
  await once(child, 'exit');
  assert.equal(await isRunning(id), false);
});

test('identify of a pid that does not exist is null', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid !== undefined);
  assert.equal(await identify(child.pid), null);
  assert.equal(await readStat(child.pid), null);
  assert.equal(await isRunning({ pid: child.pid, startTicks: 1 }), false);
});

test('sessionMembers: a detached child leads a session holding its own child', async (t) => {
  const leader = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => killGroup(leader));
  assert.ok(leader.pid !== undefined);
  const [chunk] = (await once(leader.stdout, 'data')) as [Buffer];
  const grandchild = Number(chunk.toString().trim());
  assert.ok(Number.isInteger(grandchild) && grandchild > 0);

  const sid = leader.pid;
  const stat = await readStat(sid);
  assert.equal(stat?.session, sid, 'detached: setsid made the child a session leader');
  assert.equal(stat?.pgrp, sid);
  const members = (await memberPids(sid)).sort((a, b) => a - b);
  assert.deepEqual(members, [sid, grandchild].sort((a, b) => a - b));
  assert.ok(!(await memberPids(sid)).includes(process.pid));

  // Once the leader is gone, its child still counts; a dead member does not.
  process.kill(sid, 'SIGKILL');
  await until(async () => !(await memberPids(sid)).includes(sid), 'the leader to leave the list');
  assert.deepEqual(await memberPids(sid), [grandchild]);
  process.kill(grandchild, 'SIGKILL');
  await until(async () => (await memberPids(sid)).length === 0, 'the session to empty');
});

test('sessionMembers of a session nobody is in is empty', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  await once(child, 'exit');
  assert.deepEqual(await memberPids(child.pid ?? 0), []);
});
