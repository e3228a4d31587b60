// Inside a scenario's sandbox: run and time tsvnc, tigervncserver and bare
// Xtigervnc the same way (a child of this node process, timed from spawn to
// exit), and read their memory from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const CLI = process.env.BENCH_CLI;
export const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const DEADLINE = Number(process.env.BENCH_DEADLINE ?? Infinity);
export const HOME = process.env.HOME;

/** Geometry and depth given to all three, so each server does the same work. */
export const GEOMETRY = '1920x1080';
export const DEPTH = '24';

/** Past its share of the total time bound, a scenario stops sampling and reports what it has. */
function late() {
  return Date.now() > DEADLINE;
}

export function* rounds(n = RUNS) {
  for (let i = 0; i < n && !late(); i++) yield i;
}

/**
 * Runs a program to its exit: { code, ms, stdout, stderr }. The time stops
 * at the exit, not when the pipes close: a server a wrapper leaves behind may
 * hold them open.
 */
export function run(file, args, { input, env, cwd } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: env ?? process.env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => resolve({ code: -1, ms: performance.now() - t0, stdout, stderr: error.message }));
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t0;
      const done = () => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code: code ?? (signal ? 128 : -1), ms, stdout, stderr });
      };
      const grace = setTimeout(done, 100);
      child.on('close', () => { clearTimeout(grace); done(); });
    });
  });
}

/** Like run, but a failure ends the scenario with the program's own words. */
export async function must(file, args, options) {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${result.code}: ${result.stderr.trim().slice(-500)}`);
  return result;
}

export const tsvnc = (args, options) => must(process.execPath, [CLI, ...args], options);
export const vncserver = (args, options) => must('tigervncserver', args, options);

export const tsvncStart = (extra = []) => tsvnc(['start', '--no-xstartup', '--geometry', GEOMETRY, '--depth', DEPTH, ...extra]);
export const vncStart = (extra = []) => vncserver(['-noxstartup', '-autokill', 'no', '-geometry', GEOMETRY, '-depth', DEPTH, ...extra]);

/**
 * The floor: a bare Xtigervnc with what a session needs (VNC password,
 * localhost, X cookie file), timed until it writes its display number on
 * -displayfd, which it does once it serves. Resolves { ms, pid, stop }.
 */
export function rawStart(display, { geometry = GEOMETRY } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const log = openSync(`/tmp/raw-${display}.log`, 'w');
    const child = spawn('Xtigervnc', [`:${display}`, '-displayfd', '3', '-rfbauth', `${HOME}/.vnc/passwd`, '-SecurityTypes', 'VncAuth',
      '-localhost', '-geometry', geometry, '-depth', DEPTH, '-auth', `${HOME}/.Xauthority-raw`], { stdio: ['ignore', log, log, 'pipe'] });
    closeSync(log);
    const exited = new Promise((r) => child.once('exit', r));
    const stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    let text = '';
    child.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        const ms = performance.now() - t0;
        child.stdio[3].destroy();
        resolve({ ms, pid: child.pid, stop });
      }
    });
    child.once('exit', (code) => {
      const why = readFileSync(`/tmp/raw-${display}.log`, 'utf8').split('\n').filter((l) => l.startsWith('(EE)') && l.length > 6).slice(0, 2).join(' ');
      reject(new Error(`Xtigervnc :${display} exited with ${code} before it was ready: ${why}`));
    });
  });
}

/** The VNC password both tsvnc and tigervncserver read (~/.vnc/passwd). */
export async function setPasswd() {
  await tsvnc(['passwd'], { input: 'secret12\n' });
}

export async function daemonPid() {
  const { stdout } = await tsvnc(['daemon']);
  return Number(/pid (\d+)/.exec(stdout)?.[1]);
}

/** Not a zombie; gone between two looks is gone. */
export function alive(pid) {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export async function waitFor(check, timeoutMs = 10_000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Stops the daemon (sessions keep running) so the next command starts a cold one. */
export async function stopDaemon() {
  const pid = await daemonPid();
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !alive(pid), 10_000, `the daemon ${pid} to exit`);
}

export function serves(display) {
  return spawnSync('xdpyinfo', ['-display', `:${display}`], { stdio: 'ignore', timeout: 2000 }).status === 0;
}

/** RSS and PSS in MB, from the kernel's per-process summary. */
export function memory(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
}

export function pidsOf(name) {
  const out = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

/** Starts `count` tsvnc sessions, `batch` at a time (the daemon serializes display choice anyway). */
export async function tsvncSessions(count, batch = 10) {
  for (let done = 0; done < count; done += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - done) }, () => tsvncStart()));
  }
}

/** tigervncserver sessions on explicit displays: concurrent ones fight over ~/.Xauthority. */
export async function vncSessions(from, count) {
  for (let n = from; n < from + count; n++) await vncStart([`:${n}`]);
}

export const killAllTsvnc = () => tsvnc(['kill', ':*']);

/**
 * Between phases: no server of the last one may still hold a display the next
 * one wants. Servers a wrapper lost track of (racing starts overwrite its pid
 * files) are ended here; everything in the sandbox is the bench's own.
 */
export async function noServers() {
  await waitFor(() => pidsOf('Xtigervnc').length === 0, 5000, 'every Xtigervnc to exit').catch(() => {
    for (const pid of pidsOf('Xtigervnc')) process.kill(pid, 'SIGTERM');
    return waitFor(() => pidsOf('Xtigervnc').length === 0, 10_000, 'every Xtigervnc to exit');
  });
}
export const killAllVnc = () => vncserver(['-kill', ':*']);

/** The daemon's control socket in the sandbox's HOME. */
export function controlSocket() {
  const dir = readdirSync(`${HOME}/.vnc`).find((name) => name.startsWith('tsvnc-'));
  return `${HOME}/.vnc/${dir}/control.sock`;
}

/** One `list` request from an already running process: the socket round trip plus the daemon's own work, no CLI. */
export function listRoundTrip(socketPath) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = connect({ path: socketPath });
    let answer = '';
    socket.on('connect', () => socket.write('{"op":"list"}\n'));
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('error', reject);
    socket.on('close', () => (answer.includes('"result"') ? resolve(performance.now() - t0) : reject(new Error(`no answer: ${answer}`))));
  });
}

/** The scenario's answer to the driver: one line it looks for. */
function report(result) {
  process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
}

/**
 * Wraps a scenario: its rows (and anything else it measured, in extra) on
 * success, else the error and whatever it measured before it failed.
 */
export async function scenario(body) {
  const rows = [];
  const notes = [];
  const extra = {};
  try {
    await body({ rows, notes, extra });
    report({ rows, notes, extra });
  } catch (error) {
    report({ rows, notes, extra, error: error.stack ?? String(error) });
  }
  process.exit(0);
}

const CLOCK_TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** CPU time a process has used, user and system, all its threads: ms, in clock ticks (10 ms each, usually). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces: the fields count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

export function childrenOf(pid) {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}
