import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { TsvncError } from '../../src/errors.js';
import { listenControl, type Handler } from '../../src/daemon/control-server.js';
import { callDaemon, daemonRunning } from '../../src/daemon/control-client.js';
import { encode, type Message, type Request, type StartResult } from '../../src/daemon/protocol.js';
import { statePaths, type StatePaths } from '../../src/state/state-dir.js';
import { sessionOptions } from '../helpers/session-options.js';

let dir = '';
let paths: StatePaths;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(`${tmpdir()}/tsvnc-ctl-`);
  paths = statePaths(dir);
  await mkdir(paths.sessions, { mode: 0o700 });
});
afterEach(async () => {
  await closeServer();
  await rm(dir, { recursive: true, force: true });
});

/** Connections still open end with the test, so a client that never gives up fails its test instead of hanging the file. */
const connections = new Set<Socket>();

async function closeServer(): Promise<void> {
  const current = server;
  server = undefined;
  for (const connection of connections) connection.destroy();
  connections.clear();
  if (current?.listening) await new Promise<void>((resolve) => current.close(() => resolve()));
}

function track(listening: Server): Server {
  server = listening;
  listening.on('connection', (connection: Socket) => connections.add(connection));
  return listening;
}

/** A start's answer for `display`, shaped as a daemon gives it. */
function started(display: number): StartResult {
  return {
    display, state: 'running', pid: 4242, rfbPort: 5900 + display, startedAt: '2026-12-01T10:00:00.000Z', uptimeSeconds: 1,
    restarts: 0, lastExit: null, reason: null, log: `/home/u/.vnc/:${display}.log`, host: 'h', localhost: true, options: sessionOptions({ rfbPort: 5900 + display }),
  };
}

async function listen(handler: Handler): Promise<Server> {
  return track(await listenControl(paths.socket, handler));
}

/** A raw exchange: every message the daemon sends, in order, until it closes. */
function rawExchange(line: string, timeoutMs = 5000): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: paths.socket });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${text}`));
    }, timeoutMs);
    socket.on('data', (chunk) => { text += chunk.toString('utf8'); });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Message));
    });
    socket.write(line);
  });
}

describe('control socket', () => {
  it('is a socket with mode 0600', async () => {
    await listen(async () => ({ pid: 1 }));
    const info = await stat(paths.socket);
    assert.ok(info.isSocket());
    assert.equal(info.mode & 0o777, 0o600);
  });

  it('replaces a stale file at the socket path', async () => {
    await writeFile(paths.socket, 'stale');
    await listen(async () => ({ pid: 77 }));
    assert.ok((await stat(paths.socket)).isSocket());
    assert.deepEqual(await callDaemon(paths, { op: 'ping' }), { pid: 77 });
  });

  it('hands the request to the handler and its result back to the client', async () => {
    const seen: Request[] = [];
    await listen(async (request) => {
      seen.push(request);
      return { killed: [4, 5] };
    });
    const request: Request = { op: 'kill', target: 4, clean: true };
    assert.deepEqual(await callDaemon(paths, request), { killed: [4, 5] });
    assert.deepEqual(seen, [request]);
  });

  it('a result out of the shape of its op is refused as nonsense, not handed on', async () => {
    // A daemon of another version, or one its user made answer anything: root's system daemon is its client.
    await listen(async () => ({ killed: [4] }));
    await assert.rejects(callDaemon(paths, { op: 'list' }), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'DAEMON_UNAVAILABLE');
      assert.match(error.message, /^the tsvnc daemon answered nonsense: its list result is not shaped as one: \{"killed":\[4\]\}$/);
      return true;
    });
    await assert.rejects(callDaemon(paths, { op: 'start', start: { noXstartup: false, insecure: false, extraArgs: [], env: {} } }), /its start result is not shaped/);
  });

  it('sends the handler log lines before the result', async () => {
    await listen(async (_request, log) => {
      log('debug', 'first');
      await new Promise((resolve) => setTimeout(resolve, 20));
      log('debug', 'second');
      return [started(1)];
    });
    assert.deepEqual(await rawExchange(encode({ op: 'list' })), [
      { type: 'accepted', pid: process.pid },
      { type: 'log', level: 'debug', message: 'first' },
      { type: 'log', level: 'debug', message: 'second' },
      { type: 'result', result: [started(1)] },
    ]);
    // The real client routes the log lines to its logger and still gets the result.
    assert.deepEqual(await callDaemon(paths, { op: 'list' }), [started(1)]);
  });

  it('delivers a TsvncError with its code, message and hint', async () => {
    await listen(async () => {
      throw new TsvncError('DISPLAY_BUSY', ':5 is in use by pid 42', 'pick another display');
    });
    await assert.rejects(callDaemon(paths, { op: 'status', display: 5 }), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'DISPLAY_BUSY');
      assert.equal(error.message, ':5 is in use by pid 42');
      assert.equal(error.hint, 'pick another display');
      return true;
    });
  });

  it('delivers a TsvncError without a hint as one without a hint', async () => {
    await listen(async () => {
      throw new TsvncError('NOT_A_SESSION', ':9 is not a session');
    });
    await assert.rejects(callDaemon(paths, { op: 'status', display: 9 }), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'NOT_A_SESSION');
      assert.equal(error.hint, undefined);
      return true;
    });
  });

  it('delivers a plain Error as INTERNAL', async () => {
    await listen(async () => {
      throw new Error('disk on fire');
    });
    await assert.rejects(callDaemon(paths, { op: 'ping' }), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'INTERNAL');
      assert.equal(error.message, 'disk on fire');
      return true;
    });
  });

  it('answers a request that is not JSON with BAD_ARGUMENT, without calling the handler', async () => {
    let called = false;
    await listen(async () => {
      called = true;
      return { pid: 1 };
    });
    const messages = await rawExchange('this is not json\n');
    assert.deepEqual(messages.map((m) => m.type), ['accepted', 'error']);
    assert.equal(messages[1]?.type === 'error' && messages[1].code, 'BAD_ARGUMENT');
    assert.equal(called, false);
  });

  it('serves concurrent clients, each with its own answer', async () => {
    await listen(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { killed: request.op === 'kill' && request.target !== 'all' ? [request.target] : [] };
    });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => callDaemon(paths, { op: 'kill', target: i, clean: false })));
    assert.deepEqual(results.map((r) => r.killed), [[0], [1], [2], [3], [4], [5], [6], [7]]);
  });

  it('daemonRunning is true while listening and false before and after', async () => {
    assert.equal(await daemonRunning(paths), false);
    const listening = await listen(async () => ({ pid: 1 }));
    assert.equal(await daemonRunning(paths), true);
    await closeServer();
    assert.equal(listening.listening, false);
    assert.equal(await daemonRunning(paths), false);
  });

  it('a malformed daemon message rejects callDaemon instead of crashing the client', async () => {
    // In a child process: the uncaught exception would otherwise take this test runner down.
    const script = `${dir}/junk-daemon.mjs`;
    const client = new URL('../../src/daemon/control-client.js', import.meta.url).href;
    const state = new URL('../../src/state/state-dir.js', import.meta.url).href;
    await writeFile(script, `
      import { createServer } from 'node:net';
      import { callDaemon } from ${JSON.stringify(client)};
      import { statePaths } from ${JSON.stringify(state)};
      const paths = statePaths(${JSON.stringify(dir)});
      const server = createServer((s) => s.once('data', () => { s.write('not json\\n'); setTimeout(() => s.end(), 50); }));
      await new Promise((r) => server.listen(paths.socket, r));
      try {
        await callDaemon(paths, { op: 'ping' });
        console.log('resolved');
      } catch (error) {
        console.log('rejected ' + error.code);
      }
      server.close();
    `);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [script], { timeout: 10_000 }, (error, out) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out });
      });
    });
    assert.match(stdout.trim(), /^rejected [A-Z_]+$/);
    assert.equal(code, 0);
  });

  it('a daemon that takes the connection but never accepts the request (stopped, hung) fails in a few seconds, naming its pid', { timeout: 30_000 }, async () => {
    // The listener is this very process: the message names it, as it would a stopped daemon.
    // Reads (so it sees the client leave) and never answers.
    const silent = track(createServer((connection) => connection.resume()));
    await new Promise<void>((resolve) => silent.listen(paths.socket, resolve));
    await assert.rejects(callDaemon(paths, { op: 'list' }), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'DAEMON_UNAVAILABLE');
      assert.match(error.message, new RegExp(`^the tsvnc daemon \\(pid ${process.pid}\\) did not take the list request within 3 s$`));
      assert.match(error.hint ?? '', new RegExp(`kill ${process.pid}`));
      return true;
    });
  });

  it('a request the daemon accepted but never answers is bounded too, for every op', { timeout: 30_000 }, async () => {
    await listen(() => new Promise(() => undefined));
    await assert.rejects(callDaemon(paths, { op: 'status', display: 3 }), /took the status request but did not answer within 10 s/);
  });

  it('a start whose client went away before the answer is undone; a kill is finished', async () => {
    const seen: Request[] = [];
    let finish = (): void => undefined;
    await listen(async (request) => {
      seen.push(request);
      if (request.op === 'start' || (request.op === 'kill' && request.target === 8)) await new Promise<void>((resolve) => (finish = resolve));
      return request.op === 'start' ? started(7) : { killed: [8] };
    });
    const leave = async (request: Request) => {
      const socket = connect({ path: paths.socket });
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(encode(request));
      for (let i = 0; i < 200 && seen.at(-1)?.op !== request.op; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      finish();
    };
    await leave({ op: 'start', start: { display: 7, noXstartup: true, insecure: false, extraArgs: [], env: {} } });
    for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(seen[1], { op: 'kill', target: 7, clean: false });
    await leave({ op: 'kill', target: 8, clean: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen.map((r) => r.op), ['start', 'kill', 'kill'], 'a kill whose client left is not undone');
  });
});
