import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { identify, identifyChild, isRunning, sessionMembers, type ProcessIdentity, type ProcReader } from '../../src/proc/process-identity.js';
import { TERM_GRACE_MS, programProcesses, signalIfSame, terminate, waitGone, type StopOs } from '../../src/session/stop-process.js';
import { until } from '../helpers/until.js';

async function memberPids(sid: number): Promise<number[]> {
  return (await sessionMembers(sid)).map((member) => member.pid);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
}

function startSleep(t: test.TestContext): { child: ChildProcess; id: ProcessIdentity } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  assert.ok(child.pid !== undefined);
  const id = identifyChild(child.pid);
  assert.ok(id);
  return { child, id };
}

async function comm(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
}

/**
 * Processes that answer signals as told, on a clock that moves only when
 * stopping sleeps: what terminate sent, and when by that clock.
 */
function fakeOs(behaviour: Record<number, 'exits-on-term' | 'ignores-term'>) {
  let now = 0;
  const alive = new Set(Object.keys(behaviour).map(Number));
  const sent: string[] = [];
  const os: StopOs = {
    isRunning: async (id) => alive.has(id.pid) && id.startTicks === id.pid,
    kill: (pid, signal) => {
      sent.push(`${signal} ${pid} at ${now}`);
      if (signal === 'SIGKILL' || behaviour[pid] === 'exits-on-term') alive.delete(pid);
    },
    now: () => now,
    sleep: async (ms) => void (now += ms),
  };
  return { os, sent, now: () => now };
}

test('terminate: what exits on SIGTERM gets nothing more, and stopping waits no longer', async () => {
  const fake = fakeOs({ 10: 'exits-on-term' });
  await terminate([{ pid: 10, startTicks: 10 }], fake.os);
  assert.deepEqual(fake.sent, ['SIGTERM 10 at 0']);
  assert.ok(fake.now() < TERM_GRACE_MS, `waited ${fake.now()} ms of the clock`);
});

test('terminate: SIGKILL only after the grace, only to what ignored SIGTERM, and the wait is bounded', async () => {
  const fake = fakeOs({ 10: 'ignores-term', 11: 'exits-on-term' });
  await terminate([{ pid: 10, startTicks: 10 }, { pid: 11, startTicks: 11 }], fake.os);
  assert.deepEqual(fake.sent.slice(0, 2).sort(), ['SIGTERM 10 at 0', 'SIGTERM 11 at 0']);
  assert.equal(fake.sent.length, 3, fake.sent.join(', '));
  const kill = /^SIGKILL 10 at (\d+)$/.exec(fake.sent[2] ?? '');
  assert.ok(kill, `third signal: ${fake.sent[2]}`);
  assert.ok(Number(kill[1]) >= TERM_GRACE_MS, `SIGKILL at ${kill[1]} ms, inside the ${TERM_GRACE_MS} ms grace`);
});

test('terminate: nothing to stop, or only a pid whose start time does not match, sends nothing and waits for nothing', async () => {
  const fake = fakeOs({ 10: 'ignores-term' });
  await terminate([], fake.os);
  await terminate([{ pid: 10, startTicks: 11 }], fake.os);
  assert.deepEqual(fake.sent, []);
  assert.equal(fake.now(), 0);
});

test('waitGone: false once the timeout has passed on the clock, true as soon as all are gone', async () => {
  const fake = fakeOs({ 10: 'ignores-term' });
  assert.equal(await waitGone([{ pid: 10, startTicks: 10 }], 120, fake.os), false);
  assert.ok(fake.now() >= 120, `gave up at ${fake.now()} ms`);
  const before = fake.now();
  assert.equal(await waitGone([{ pid: 99, startTicks: 99 }], 3000, fake.os), true);
  assert.equal(fake.now(), before, 'a process already gone is not waited for');
});

test('terminate: a real child that exits on SIGTERM gets SIGTERM only', async (t) => {
  const { child, id } = startSleep(t);
  const exit = exitOf(child);
  await terminate([id]);
  assert.equal(await isRunning(id), false);
  assert.deepEqual(await exit, { code: null, signal: 'SIGTERM' });
});

test('terminate: a real child that ignores SIGTERM gets SIGTERM, then SIGKILL', { timeout: 20_000 }, async (t) => {
  const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)"], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await until(async () => output.includes('ready'), 'the child to install its SIGTERM handler');
  assert.ok(child.pid !== undefined);
  const id = await identify(child.pid);
  assert.ok(id);
  const exit = exitOf(child);

  await terminate([id]);
  assert.equal(await isRunning(id), false);
  assert.deepEqual(await exit, { code: null, signal: 'SIGKILL' });
  assert.match(output, /ignored/, 'the child did receive SIGTERM first');
});

test('terminate sends nothing to a real pid whose start time does not match', async (t) => {
  const { child, id } = startSleep(t);
  await terminate([{ pid: id.pid, startTicks: id.startTicks + 1 }]);
  await sleep(50);
  assert.equal(child.exitCode, null);
  assert.equal(child.signalCode, null);
  assert.equal(await isRunning(id), true);
});

test('signalIfSame signals the same process and refuses a wrong start time', async (t) => {
  const { child, id } = startSleep(t);
  assert.equal(await signalIfSame({ pid: id.pid, startTicks: id.startTicks - 1 }, 'SIGTERM'), false);
  assert.equal(await signalIfSame({ pid: id.pid, startTicks: 0 }, 'SIGKILL'), false);
  await sleep(50);
  assert.equal(await isRunning(id), true, 'a refused signal must not be sent');
  assert.equal(child.signalCode, null);

  const exit = exitOf(child);
  assert.equal(await signalIfSame(id, 'SIGTERM'), true);
  assert.deepEqual(await exit, { code: null, signal: 'SIGTERM' });
  assert.equal(await signalIfSame(id, 'SIGTERM'), false, 'a process that is gone is not signalled');
});

test('waitGone: false for a real live process, true once it is gone', async (t) => {
  const { child, id } = startSleep(t);
  assert.equal(await waitGone([id], 120), false);
  child.kill('SIGTERM');
  assert.equal(await waitGone([id], 3000), true);
  assert.equal(await waitGone([], 10), true);
});

test('programProcesses lists a detached session and terminate ends all of it', { timeout: 20_000 }, async (t) => {
  const leader = spawn('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
  t.after(() => {
    try {
      process.kill(-(leader.pid ?? 0), 'SIGKILL');
    } catch {
      // gone already
    }
  });
  assert.ok(leader.pid !== undefined);
  const leaderId = identifyChild(leader.pid);
  assert.ok(leaderId);
  // The shell forks both sleeps, then waits for the second.
  await until(async () => {
    const members = await memberPids(leader.pid ?? 0);
    const names = await Promise.all(members.map((pid) => comm(pid).catch(() => '')));
    return members.length === 3 && names.filter((n) => n === 'sleep').length === 2;
  }, 'the shell and both sleeps');

  const ids = await programProcesses(leaderId);
  assert.equal(ids.length, 3);
  assert.ok(ids.some((id) => id.pid === leaderId.pid && id.startTicks === leaderId.startTicks), 'the leader is listed');
  const others = ids.filter((id) => id.pid !== leaderId.pid);
  assert.deepEqual(await Promise.all(others.map((id) => comm(id.pid))), ['sleep', 'sleep']);
  for (const id of ids) assert.equal(await isRunning(id), true);

  await terminate(ids);
  for (const id of ids) assert.equal(await isRunning(id), false, `pid ${id.pid} survived`);
  assert.deepEqual(await memberPids(leaderId.pid), []);
  assert.deepEqual(await programProcesses(leaderId), []);
});

test('programProcesses is empty when the leader pid now names another process', async (t) => {
  const leader = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  t.after(() => leader.kill('SIGKILL'));
  assert.ok(leader.pid !== undefined);
  const id = identifyChild(leader.pid);
  assert.ok(id);
  await until(async () => (await memberPids(id.pid)).length === 1, 'the detached sleep to lead its session');
  assert.deepEqual(await programProcesses(id), [id]);
  assert.deepEqual(await programProcesses({ pid: id.pid, startTicks: id.startTicks + 1 }), []);
});

test('programProcesses reads each member once: a pid reused after it was found in the session is never signalled', async () => {
  const leader: ProcessIdentity = { pid: 4000, startTicks: 100 };
  const fields = (session: number, startTicks: number) => ({ state: 'S', pgrp: session, session, startTicks });
  // pid 4001 is a member at the first read; by any later read it exited and
  // its pid went to an unrelated process (another session, later start).
  const reads = new Map<number, number>();
  const proc: ProcReader = {
    pids: async () => [4000, 4001],
    stat: async (pid) => {
      const n = (reads.get(pid) ?? 0) + 1;
      reads.set(pid, n);
      if (pid === 4000) return fields(4000, 100);
      return n === 1 ? fields(4000, 200) : fields(1, 900);
    },
  };
  const members = await programProcesses(leader, proc);
  assert.deepEqual(members, [leader, { pid: 4001, startTicks: 200 }], 'the identity found in the session, not a later read');
  assert.equal(reads.get(4001), 1);
});
