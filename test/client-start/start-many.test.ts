import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError } from '../../src/errors.js';
import { parseCount, startMany, type StartManyDeps } from '../../src/client-start/start-many.js';
import type { DaemonPaths } from '../../src/system/system-paths.js';
import type { StartRequest, StartResult } from '../../src/daemon/protocol.js';
import type { SessionSummary } from '../../src/model/session-record.js';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { sessionOptions } from '../helpers/session-options.js';

const PATHS: DaemonPaths = { dir: '/s', socket: '/s/control.sock', sessions: '/s/sessions', daemonLog: '/s/daemon.log' };
const REQ: StartRequest = { noXstartup: true, insecure: false, extraArgs: [], env: {}, umask: 0o22 };
const FLAGS = { json: false, useold: false, fg: false, dryRun: false, slurm: false };

function result(display: number): StartResult {
  return {
    display, state: 'running', pid: 100 + display, rfbPort: 5900 + display, startedAt: '2026-01-01T00:00:00.000Z', uptimeSeconds: 0,
    restarts: 0, lastExit: null, reason: null, log: `/h/.vnc/vm:${display}.log`, host: 'vm', localhost: true, options: sessionOptions(),
  };
}

/** A daemon that answers the starts with these displays, or these errors, in the order the requests arrive; it records the ops. */
function fakeDaemon(answers: (number | TsvncError)[]): { deps: StartManyDeps; ops: string[]; out: string[] } {
  const ops: string[] = [];
  const out: string[] = [];
  let next = 0;
  const call = (async (_paths: DaemonPaths, request: { op: string }) => {
    ops.push(request.op);
    if (request.op === 'ping') return { pid: 1 };
    const answer = answers[next++];
    // Answers arrive out of order, as concurrent starts finish.
    await new Promise((resolve) => setTimeout(resolve, 10 - next));
    if (answer instanceof TsvncError) throw answer;
    return result(answer!);
  }) as unknown as StartManyDeps['call'];
  const printJson = (value: unknown) => out.push(JSON.stringify(value));
  const printLines = (lines: readonly string[]) => out.push(...lines);
  return { deps: { paths: async () => PATHS, call, printJson, printLines }, ops, out };
}

describe('start --count', () => {
  it('sends the N starts at once after one ping, and prints one line per desktop, lowest display first', async () => {
    const { deps, ops, out } = fakeDaemon([3, 1, 2]);
    await startMany(REQ, '3', FLAGS, deps);
    assert.deepEqual(ops, ['ping', 'start', 'start', 'start']);
    assert.deepEqual(out.map((line) => /New desktop vm:(\d+) /.exec(line)?.[1]), ['1', '2', '3']);
  });

  it('prints a JSON array with --json', async () => {
    const { deps, out } = fakeDaemon([2, 1]);
    await startMany(REQ, '2', { ...FLAGS, json: true }, deps);
    assert.equal(out.length, 1);
    assert.deepEqual((JSON.parse(out[0]!) as StartResult[]).map((r) => r.display), [1, 2]);
  });

  it('on a partial failure lists the desktops that started, then fails with each reason once and the first code', async () => {
    const full = new TsvncError('NO_FREE_DISPLAY', 'no free display in :1-:3', 'widen display-range');
    const { deps, out } = fakeDaemon([1, full, 3, full, new TsvncError('SERVER_FAILED', 'Xtigervnc :5 exited with 1')]);
    const failed = await startMany(REQ, '5', { ...FLAGS, json: true }, deps).then(() => null, (error: unknown) => error);
    assert.deepEqual((JSON.parse(out[0]!) as StartResult[]).map((r) => r.display), [1, 3]);
    assert.ok(failed instanceof TsvncError);
    assert.equal(failed.code, 'NO_FREE_DISPLAY');
    assert.equal(failed.message, '3 of 5 desktops did not start: no free display in :1-:3 (x2); Xtigervnc :5 exited with 1');
    assert.equal(failed.hint, 'widen display-range');
  });

  it('refuses a count that is not 1-100, and the options of a single desktop, before asking the daemon', async () => {
    for (const text of ['0', '101', '-1', '2x', '', '1e1']) assert.throws(() => parseCount(text), /--count .* is not a number of desktops/);
    assert.equal(parseCount('100'), 100);
    const { deps, ops } = fakeDaemon([]);
    await assert.rejects(startMany({ ...REQ, display: 4 }, '2', { ...FLAGS, fg: true, slurm: true, format: 'vncserver' }, deps), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'BAD_ARGUMENT');
      assert.match(error.message, /does not go with :N, --fg, --slurm, --format$/);
      return true;
    });
    assert.deepEqual(ops, []);
  });
});

describe('tsvnc start --count against real Xtigervnc servers', { skip: sandboxUnavailable }, () => {
  it('starts N desktops from one command, lists those that started when the display range runs out, and refuses bad counts', async () => {
    const run = await sandbox(`set_passwd
      step many tsvnc start --count 3 --no-xstartup --json
      step serving bash -c 'for n in 1 2 3; do timeout 5 xdpyinfo -display :$n >/dev/null || echo ":$n not serving"; done'
      step text tsvnc start --count 2 --no-xstartup
      mkdir -p ~/.config/tsvnc && echo 'display-range = 1-6' >~/.config/tsvnc/tsvnc.conf
      step partial tsvnc start --count 3 --no-xstartup
      step zero tsvnc start --count 0
      step with_display tsvnc start --count 2 :5
      step list tsvnc list --json
      step kill tsvnc kill ':*' --json
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('many').code, 0, run.stderr);
    assert.deepEqual(run.json<StartResult[]>('many').map((r) => [r.display, r.state]), [[1, 'running'], [2, 'running'], [3, 'running']]);
    assert.equal(run.step('serving').out, '');
    assert.equal(run.step('text').code, 0, run.stderr);
    assert.deepEqual(run.step('text').out.trim().split('\n').map((line) => /^New desktop \S+:(\d+) \(server pid \d+, VNC port (\d+)\)/.exec(line)?.slice(1)), [['4', '5904'], ['5', '5905']]);
    assert.equal(run.step('partial').code, 1, 'a partial failure exits non-zero');
    assert.match(run.step('partial').out, /^New desktop \S+:6 [^\n]*\n?$/);
    assert.match(run.stderr, /tsvnc: 2 of 3 desktops did not start: /);
    assert.equal(run.step('zero').code, 2);
    assert.equal(run.step('with_display').code, 2);
    assert.match(run.stderr, /--count starts several desktops, each on its own display and port: it does not go with :N/);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [1, 2, 3, 4, 5, 6].map((n) => [n, 'running']));
    assert.deepEqual(run.json('kill'), { killed: [1, 2, 3, 4, 5, 6] });
    assert.equal(run.step('leftovers').out, '');
  });
});
