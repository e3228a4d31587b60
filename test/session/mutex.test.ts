import test from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mutex } from '../../src/session/mutex.js';

test('tasks run one at a time, in the order given', async () => {
  const mutex = new Mutex();
  const events: string[] = [];
  let running = 0;
  const task = (name: string, ms: number) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlaps another task`);
    events.push(`start ${name}`);
    await sleep(ms);
    events.push(`end ${name}`);
    running--;
    return name;
  };
  // The first task is the slowest: without the mutex the later ones would finish first.
  const results = await Promise.all([mutex.run(task('a', 30)), mutex.run(task('b', 5)), mutex.run(task('c', 0))]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('a task does not start before run() returns control to the caller', async () => {
  const mutex = new Mutex();
  let started = false;
  const done = mutex.run(async () => {
    started = true;
  });
  assert.equal(started, false);
  await done;
  assert.equal(started, true);
});

test('a rejected task rejects its own caller and does not block the next', async () => {
  const mutex = new Mutex();
  const order: string[] = [];
  const failing = mutex.run(async () => {
    await sleep(10);
    order.push('fail');
    throw new Error('boom');
  });
  const next = mutex.run(async () => {
    order.push('next');
    return 42;
  });
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 42);
  assert.deepEqual(order, ['fail', 'next']);
});

test('a task that throws synchronously does not block the next either', async () => {
  const mutex = new Mutex();
  const failing = mutex.run((() => {
    throw new Error('sync');
  }) as () => Promise<never>);
  await assert.rejects(failing, /sync/);
  assert.equal(await mutex.run(async () => 'after'), 'after');
});

test('a task queued after a failure waits for the tasks before it', async () => {
  const mutex = new Mutex();
  const events: string[] = [];
  const first = mutex.run(async () => {
    throw new Error('first');
  });
  const second = mutex.run(async () => {
    await sleep(20);
    events.push('second');
  });
  const third = mutex.run(async () => {
    events.push('third');
  });
  await assert.rejects(first);
  await Promise.all([second, third]);
  assert.deepEqual(events, ['second', 'third']);
});

test('separate mutexes do not wait for each other', async () => {
  const a = new Mutex();
  const b = new Mutex();
  let release = (): void => {};
  const blocked = a.run(() => new Promise<void>((resolve) => { release = resolve; }));
  assert.equal(await b.run(async () => 'free'), 'free');
  release();
  await blocked;
});
