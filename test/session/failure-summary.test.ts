import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { exitText, failureSummary } from '../../src/session/failure-summary.js';
import type { ExitInfo } from '../../src/model/session-record.js';

const AT = '2025-01-02T03:04:05.000Z';
const EXIT_1: ExitInfo = { code: 1, signal: null, at: AT };

/** What Xtigervnc writes when :N's sockets are taken: X's FatalError block, cause glued to a "(EE) ". */
const NO_SOCKETS_LOG = [
  '',
  'Xvnc TigerVNC 1.13.1 - built Jan  1 2024 00:00:00',
  'Copyright (C) 1999-2022 TigerVNC Team and many others (see README.rst)',
  'See https://www.tigervnc.org for information on TigerVNC.',
  'Underlying X server release 12101008',
  '',
  '',
  'Mon Jan  2 03:04:05 2025',
  ' vncext:      VNC extension running!',
  ' vncext:      Listening for VNC connections on local interface(s), port 5901',
  ' vncext:      created VNC server for screen 0',
  '_XSERVTransSocketUNIXCreateListener: ...SocketCreateListener() failed',
  '_XSERVTransMakeAllCOTSServerListeners: server already running',
  '(EE) ',
  '(EE) Fatal server error:',
  "(EE) Cannot establish any listening sockets - Make sure an X server isn't already running(EE) ",
  '(EE) ',
  '(EE) Please consult the The X.Org Foundation support ',
  '(EE)  at http://wiki.x.org',
  '(EE)  for help. ',
  '(EE) ',
  '',
].join('\n');

let dir = '';
before(async () => {
  dir = await mkdtemp(`${tmpdir()}/tsvnc-fail-`);
});
after(() => rm(dir, { recursive: true, force: true }));

async function logFile(name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await writeFile(path, text);
  return path;
}

describe('exitText', () => {
  it('says nothing for no exit', () => {
    assert.equal(exitText(null), '');
  });

  it('gives the exit code, including 0', () => {
    assert.equal(exitText(EXIT_1), 'exit code 1');
    assert.equal(exitText({ code: 0, signal: null, at: AT }), 'exit code 0');
    assert.equal(exitText({ code: 127, signal: null, at: AT, error: 'ENOENT' }), 'could not run: ENOENT');
  });

  it('names the signal, which wins over a code', () => {
    assert.equal(exitText({ code: null, signal: 'SIGSEGV', at: AT }), 'killed by SIGSEGV');
    assert.equal(exitText({ code: 0, signal: 'SIGTERM', at: AT }), 'killed by SIGTERM');
  });

  it('explains an unknown status', () => {
    const text = exitText({ code: null, signal: null, at: AT });
    assert.match(text, /status unknown/);
    assert.doesNotMatch(text, /code|killed/);
  });
});

describe('failureSummary', () => {
  it("picks the server's own words from a realistic Xtigervnc failure log", async () => {
    const summary = await failureSummary(await logFile('busy.log', NO_SOCKETS_LOG), EXIT_1);
    assert.match(summary, /^ \(exit code 1\): \(EE\) Cannot establish any listening sockets - Make sure an X server isn't already running/);
    for (const noise of ['Fatal server error', 'Please consult', 'for help', 'wiki.x.org', 'vncext']) assert.ok(!summary.includes(noise), `${noise} in ${summary}`);
  });

  it('drops the "(EE)" that X glues to the end of the cause', async () => {
    const summary = await failureSummary(await logFile('busy2.log', NO_SOCKETS_LOG), EXIT_1);
    assert.equal(summary, " (exit code 1): (EE) Cannot establish any listening sockets - Make sure an X server isn't already running");
  });

  it('takes the first meaningful error, not a later one', async () => {
    const log = await logFile('two.log', [
      'starting',
      '(EE) ',
      '(EE) Fatal server error:',
      '(EE) Could not open default font fixed',
      '(EE) ',
      '(EE) Server terminated with error (1). Closing log file.',
      '',
    ].join('\n'));
    assert.equal(await failureSummary(log, EXIT_1), ' (exit code 1): (EE) Could not open default font fixed');
  });

  it('takes only (EE) lines as causes: chatter, usage text and statistics are not', async () => {
    const log = await logFile('plain.log', 'Xvnc TigerVNC 1.13.1\nUnrecognized option: -bogus\nuse: X [:<display>] [option]\n\n');
    assert.equal(await failureSummary(log, EXIT_1), ' (exit code 1)');
  });

  it('does not offer the wiki.x.org line as the cause', async () => {
    const log = await logFile('nocause.log', [
      'Unrecognized option: -bogus',
      '(EE) ',
      '(EE) Fatal server error:',
      '(EE) ',
      '(EE) Please consult the The X.Org Foundation support ',
      '(EE)  at http://wiki.x.org',
      '(EE)  for help. ',
      '(EE) ',
      '',
    ].join('\n'));
    assert.equal(await failureSummary(log, EXIT_1), ' (exit code 1)');
  });

  it('names a signal and reads only the last 40 lines', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const old = await logFile('long.log', `${['(EE) an old error, long scrolled away', ...filler].join('\n')}\n`);
    assert.equal(await failureSummary(old, { code: null, signal: 'SIGSEGV', at: AT }), ' (killed by SIGSEGV)');
    const recent = await logFile('long2.log', `${['(EE) an old error, long scrolled away', ...filler.slice(1), '(EE) recent'].join('\n')}\n`);
    assert.equal(await failureSummary(recent, { code: null, signal: 'SIGSEGV', at: AT }), ' (killed by SIGSEGV): (EE) recent');
  });

  it('with a missing or empty log, says only how it exited', async () => {
    assert.equal(await failureSummary(`${dir}/missing.log`, EXIT_1), ' (exit code 1)');
    assert.equal(await failureSummary(await logFile('empty.log', ''), EXIT_1), ' (exit code 1)');
    assert.equal(await failureSummary(await logFile('noise.log', '(EE) \n(EE) Fatal server error:\n\n'), EXIT_1), ' (exit code 1)');
  });

  it('with no exit info, gives only the cause, or nothing', async () => {
    assert.equal(await failureSummary(await logFile('busy3.log', NO_SOCKETS_LOG), null).then((s) => s.startsWith(': (EE) Cannot establish')), true);
    assert.equal(await failureSummary(`${dir}/missing.log`, null), '');
  });
});
