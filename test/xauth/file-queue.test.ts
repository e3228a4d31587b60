import test from 'node:test';
import assert from 'node:assert/strict';
import { onePerFile } from '../../src/xauth/file-queue.js';

/** A task that records when it starts and ends and finishes only when told. */
function gate(name: string, log: string[], running: Map<string, number>, file: string) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const task = async () => {
    const now = (running.get(file) ?? 0) + 1;
    running.set(file, now);
    log.push(`start ${name} (${now} on ${file})`);
    await opened;
    running.set(file, (running.get(file) ?? 1) - 1);
    log.push(`end ${name}`);
  };
  return { task, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('tasks on one file run one at a time, in the order queued; another file does not wait', async () => {
  const log: string[] = [];
  const running = new Map<string, number>();
  const tasks = ['a', 'b', 'c'].map((name) => gate(name, log, running, '/x/.Xauthority'));
  const other = gate('other', log, running, '/y/.Xauthority');
  // The same file by another spelling shares the queue.
  const runs = [
    onePerFile('/x/.Xauthority', tasks[0]!.task),
    onePerFile('/x/../x/.Xauthority', tasks[1]!.task),
    onePerFile('/x/.Xauthority', tasks[2]!.task),
    onePerFile('/y/.Xauthority', other.task),
  ];
  await settle();
  assert.deepEqual(log, ['start a (1 on /x/.Xauthority)', 'start other (1 on /y/.Xauthority)']);
  for (const { open } of [...tasks, other]) {
    open();
    await settle();
  }
  await Promise.all(runs);
  assert.deepEqual(log, [
    'start a (1 on /x/.Xauthority)', 'start other (1 on /y/.Xauthority)',
    'end a', 'start b (1 on /x/.Xauthority)', 'end b', 'start c (1 on /x/.Xauthority)', 'end c', 'end other',
  ]);
});

test('a failed task rejects its own call only; the next one still runs', async () => {
  const ran: string[] = [];
  const failing = onePerFile('/z/.Xauthority', async () => {
    ran.push('failing');
    throw new Error('xauth merge failed');
  });
  const next = onePerFile('/z/.Xauthority', async () => void ran.push('next'));
  await assert.rejects(failing, /xauth merge failed/);
  await next;
  assert.deepEqual(ran, ['failing', 'next']);
});
