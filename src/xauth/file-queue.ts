import { resolve } from 'node:path';

/**
 * One tail per target file. xauth serializes writers with lock files it
 * retries every two seconds, so ten of our own concurrent calls would wait
 * seconds on each other; chained in process they run back to back instead
 * (bench/scenarios/xauth.mjs measures ten). xauth still locks (no -b),
 * which keeps ssh and other tools safe.
 */
const tails = new Map<string, Promise<void>>();

/** Runs `task` once every task queued before it on the same file has ended, however it ended. */
export function onePerFile(file: string, task: () => Promise<void>): Promise<void> {
  const key = resolve(file);
  const run = (tails.get(key) ?? Promise.resolve()).then(task);
  // The stored tail never rejects, so one failed call does not fail the next.
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
