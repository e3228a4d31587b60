import test from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runCli } from '../helpers/sandbox.js';
import { until } from '../helpers/until.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const LOG = 'Xvnc TigerVNC 1.13.1\nListening for VNC connections on local interface(s), port 5905\nxstartup: starting session\n';

/** A HOME whose ~/.vnc holds a log for :5, as a running session would leave it. */
async function home(t: test.TestContext): Promise<{ home: string; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-logs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, '.vnc'));
  const log = join(dir, '.vnc', `${hostname()}:5.log`);
  await writeFile(log, LOG);
  return { home: dir, log };
}

test('prints the whole log', async (t) => {
  const { home: dir } = await home(t);
  const result = await runCli(['logs', ':5'], { HOME: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(`${result.stdout}\n`, LOG);
});

test('-n 2 prints the last two lines, and a bare number is a display', async (t) => {
  const { home: dir } = await home(t);
  for (const args of [['logs', ':5', '-n', '2'], ['logs', '5', '--lines', '2']]) {
    const result = await runCli(args, { HOME: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), LOG.trimEnd().split('\n').slice(-2));
  }
});

test('a missing log is exit 1 with one line that says where it looked', async (t) => {
  const { home: dir } = await home(t);
  const result = await runCli(['logs', ':6'], { HOME: dir });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /^tsvnc: no log for :6 at .*\/\.vnc\/.*:6\.log \(tsvnc list shows your sessions\)$/);
});

for (const args of [['logs', ':abc'], ['logs', ':5', '-n', '0'], ['logs', ':5', '-n', 'two'], ['logs', ':5', '--lines', '1.5'], ['logs', ':5', '-n']]) {
  test(`${args.join(' ')} is exit 2`, async (t) => {
    const { home: dir } = await home(t);
    const result = await runCli(args, { HOME: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /^tsvnc: /);
  });
}

test('-f prints what is appended until SIGINT, then exits 0', async (t) => {
  const { home: dir, log } = await home(t);
  const child = execa('node', [CLI, 'logs', ':5', '-f', '-n', '1'], { env: { HOME: dir }, reject: false, stdin: 'ignore', timeout: 20_000 });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => { out += text; });
  await until(() => out === 'xstartup: starting session\n', 'the last line');
  await appendFile(log, 'client 127.0.0.1 connected\n');
  await until(() => out.endsWith('client 127.0.0.1 connected\n'), 'the appended line');
  child.kill('SIGINT');
  const result = await child;
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(out, 'xstartup: starting session\nclient 127.0.0.1 connected\n');
});
