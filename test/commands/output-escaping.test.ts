import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

/** What a terminal acts on; tab and the output's own line breaks aside. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('nothing tsvnc prints carries raw control characters', () => {
  it("the CLI's error line escapes the input it quotes", async () => {
    const run = await runCli(['status', '\x1b]0;PWNED\x07\x1b[2J']);
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stderr, RAW_CONTROL);
    assert.match(run.stderr, /\\x1b\]0;PWNED\\x07\\x1b\[2J/);
  });

  it('the logger escapes what it logs', async () => {
    const run = await runCli(['list', '--help'], { TSVNC_LOG_LEVEL: 'x\x1b[2J\ntsvnc: error: forged' });
    assert.doesNotMatch(run.stderr, RAW_CONTROL);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  });

  it('a desktop name with control characters is refused at input, with one line, and nothing starts', async () => {
    const run = await runCli(['start', '--dry-run', '--desktop', 'b\x1b]0;PWNED\x07\x1b[2J'], { HOME: '/nonexistent' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^tsvnc: --desktop "b\\x1b\]0;PWNED\\x07\\x1b\[2J" contains the control character \\x1b \(give it without control characters\)\n?$/);
  });
});

describe('output of a real session', { skip: sandboxUnavailable }, () => {
  it('status, logs and --json show what the session program wrote escaped', async () => {
    // printf turns the \\033 the command line carries as text into a real escape in the log.
    const run = await sandbox(`set_passwd
      step start tsvnc start --xstartup 'printf "\\033]0;PWNED\\007\\033[2J\\n"; sleep 1000' --json
      wait_until grep -q PWNED /tmp/home/.vnc/*:1.log
      step raw grep -c $'\\e]0;PWNED' /tmp/home/.vnc/$(hostname):1.log
      step status tsvnc status :1
      step json tsvnc status :1 --json
      step logs tsvnc logs :1
      step tail tsvnc logs :1 -n 5
      step kill tsvnc kill :1
      step crash tsvnc start :2 --restart no --xstartup 'printf "(EE) \\033]0;PWNED\\007\\n"; sleep 1000' --json
      wait_until grep -q PWNED /tmp/home/.vnc/$(hostname):2.log
      kill -9 $(tsvnc status :2 --json | node -pe 'JSON.parse(require("fs").readFileSync(0)).pid')
      wait_until bash -c 'tsvnc list --json | grep -q failed'
      step list tsvnc list
      step list_json tsvnc list --json
      step kill2 tsvnc kill :2`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.equal(run.step('raw').out.trim(), '1', 'the log itself holds the raw escape');
    for (const name of ['status', 'logs', 'tail']) {
      const { out, code } = run.step(name);
      assert.equal(code, 0, name);
      assert.doesNotMatch(out, RAW_CONTROL, name);
      assert.match(out, /\\x1b\]0;PWNED\\x07\\x1b\[2J/, name);
    }
    // The server's death is explained by the last (EE) line of its log, which the session program wrote.
    assert.equal(run.step('crash').code, 0, run.stderr);
    assert.match(run.step('list').out, /:2 +failed .*\\x1b\]0;PWNED\\x07/);
    assert.doesNotMatch(run.step('list').out, RAW_CONTROL);
    assert.doesNotMatch(run.step('list_json').out, RAW_CONTROL);
    const json = run.json<{ lastLog: string[] }>('json');
    assert.ok(json.lastLog.some((l) => l.includes('\x1b]0;PWNED\x07')), 'the JSON values are unchanged');
    assert.doesNotMatch(run.step('json').out, RAW_CONTROL);
  });
});
