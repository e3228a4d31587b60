import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeProcess,
  parseBootTime,
  parseStatStartTicks,
  pidStatus,
  processCommand,
  processStartTime,
  processUid,
} from '../../src/proc/process-info.js';

const STAT = '1234 ((a) b (c)) S 1 1234 1234 0 -1 4194560 150 0 0 0 3 1 0 0 20 0 1 0 98765 5423104 320 '
  + '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 2 0 0 0 0 0\n';

async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  assert.ok(child.pid !== undefined);
  return child.pid;
}

test('starttime is read after the last parenthesis of comm', () => {
  assert.equal(parseStatStartTicks(STAT), 98765);
});

test('a truncated stat line has no start time', () => {
  assert.equal(parseStatStartTicks('1234 (x) S 1 1234'), null);
  assert.equal(parseStatStartTicks(''), null);
});

test('reads btime from /proc/stat', () => {
  const procStat = 'cpu  1 2 3 4\nintr 5 6\nctxt 123\nbtime 1700000000\nprocesses 42\n';
  assert.equal(parseBootTime(procStat), 1700000000);
  assert.equal(parseBootTime('cpu  1 2 3\n'), null);
});

test('pid status: pid 1 is alive, an exited child is dead', async () => {
  assert.equal(pidStatus(1), 'alive');
  assert.equal(pidStatus(process.pid), 'alive');
  assert.equal(pidStatus(await deadPid()), 'dead');
});

test('pids that would address process groups are dead, not signalled', () => {
  for (const pid of [0, -1, 1.5, Number.NaN]) assert.equal(pidStatus(pid), 'dead', String(pid));
});

test('this process started moments ago', async () => {
  const started = await processStartTime(process.pid);
  assert.ok(started !== null);
  const expected = Date.now() - process.uptime() * 1000;
  // btime has one-second resolution.
  assert.ok(Math.abs(started - expected) < 2000, `start ${started} vs expected ${expected}`);
  assert.ok(started <= Date.now());
});

test('a process that is gone has no start time, command, uid or description', async () => {
  const pid = await deadPid();
  assert.equal(await processStartTime(pid), null);
  assert.equal(await processCommand(pid), null);
  assert.equal(await processUid(pid), null);
  assert.equal(await describeProcess(pid), null);
});

test('describes this process', async () => {
  const info = await describeProcess(process.pid);
  assert.equal(info?.pid, process.pid);
  assert.equal(info?.uid, process.getuid?.());
  assert.ok(info?.command.startsWith(process.argv0), info?.command);
  assert.ok(!info.command.includes('\0'));
});

test('long command lines are cut to 200 characters', async (t) => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'x'.repeat(300)], { stdio: 'ignore' });
  t.after(() => child.kill());
  await once(child, 'spawn');
  assert.ok(child.pid !== undefined);
  // Right after spawn the child may still be the forked copy of this process, not yet exec'd.
  let command: string | null = null;
  for (let i = 0; i < 100 && !command?.includes('setInterval'); i++) {
    command = await processCommand(child.pid);
    await sleep(10);
  }
  assert.equal(command, `${process.execPath} -e setInterval(() => {}, 1000) ${'x'.repeat(300)}`.slice(0, 200));
});

test('a zombie, having no command line, is shown by its comm in brackets', async (t) => {
  // The short sleep outlives sh, which has by then become the long sleep: that never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill());
  const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
  const zombie = Number(chunk.toString().trim());
  for (let i = 0; i < 300; i++) {
    const stat = await readFile(`/proc/${zombie}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) break;
    await sleep(10);
  }
  assert.equal(await processCommand(zombie), '[sleep]');
});

test('processCommand escapes control characters a user put in its argv', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'x\n  fix: forged\u001b[8m'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    const command = await processCommand(child.pid ?? 0);
    assert.equal(command?.includes('\n'), false);
    assert.match(command ?? '', /x\\n  fix: forged\\x1b\[8m/);
  } finally {
    child.kill();
  }
});
