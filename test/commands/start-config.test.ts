import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

describe('tsvnc start with configuration layers, against a real Xtigervnc', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('system file, ~/.vnc/config, user file, command line, then mandatory.conf: later wins', async () => {
    const run = await sandbox(`private_system
      set_passwd
      server_args() { tr '\\0' '\\n' </proc/$(tr -d ' ' </tmp/.X$1-lock)/cmdline; }
      printf 'geometry = 800x600\\ndepth = 16\\ndisplay-range = 3-9\\nxstartup = none\\n' >/etc/tsvnc/tsvnc.conf
      mkdir -p ~/.vnc ~/.config/tsvnc
      printf '# from vncserver\\ngeometry=1024x768\\nalwaysshared\\ndpi=120\\n' >~/.vnc/config
      echo 'depth = 32' >~/.config/tsvnc/tsvnc.conf
      echo 'localhost = yes' >/etc/tsvnc/mandatory.conf
      step first tsvnc start --json
      step first_args server_args 3
      step first_screen bash -c 'xdpyinfo -display :3 | grep -E "dimensions|depth of root"'
      step second tsvnc start --geometry 640x480 --localhost no --json
      step second_args server_args 4
      step outside tsvnc start :1
      step list tsvnc list --json
      step kill tsvnc kill ':*'
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('first').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('first').display, 3, 'display-range starts at 3');
    const first = run.step('first_args').out.split('\n');
    const value = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(value(first, '-geometry'), '1024x768', '~/.vnc/config over the system file');
    assert.equal(value(first, '-depth'), '32', "the user's file over the system file");
    assert.ok(first.includes('-alwaysshared') && value(first, '-dpi') === '120', "~/.vnc/config's other keys reach the server");
    assert.match(run.step('first_screen').out, /1024x768 pixels/);
    assert.match(run.step('first_screen').out, /depth of root window:\s+(24|32) planes/);
    const second = run.step('second_args').out.split('\n');
    assert.equal(value(second, '-geometry'), '640x480', 'the command line over every file');
    assert.ok(second.includes('-localhost=1'), 'mandatory.conf over the command line');
    assert.match(run.stderr, /--localhost no ignored: \/etc\/tsvnc\/mandatory.conf sets localhost = yes/);
    assert.equal(run.step('outside').code, 2);
    assert.match(run.stderr, /:1 is outside the displays tsvnc may use \(:3 to :9\)/);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => s.display), [3, 4]);
    assert.equal(run.step('leftovers').out, '');
  });

  it('a malformed line stops the start with file, line and accepted values; nothing starts', async () => {
    const run = await sandbox(`private_system
      set_passwd
      mkdir -p ~/.config/tsvnc ~/.vnc
      printf 'geometry = 1280x800\\ndepth = 12\\n' >~/.config/tsvnc/tsvnc.conf
      step bad_user tsvnc start
      rm ~/.config/tsvnc/tsvnc.conf
      printf 'rfbport=5999\\n' >~/.vnc/config
      step bad_vnc tsvnc start
      rm ~/.vnc/config
      echo 'restart = sometimes' >/etc/tsvnc/mandatory.conf
      step bad_mandatory tsvnc start
      step daemon bash -c 'daemon_pid || true'
      step leftovers leftovers`);
    assert.equal(run.step('bad_user').code, 2);
    assert.equal(run.step('bad_vnc').code, 2);
    assert.equal(run.step('bad_mandatory').code, 2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('tsvnc:'));
    assert.match(lines[0] ?? '', /^tsvnc: \/tmp\/home\/.config\/tsvnc\/tsvnc.conf:2: bad value for depth .*16, 24, 32/);
    assert.match(lines[1] ?? '', /^tsvnc: \/tmp\/home\/.vnc\/config:1: rfbport is managed by tsvnc .*--rfbport/);
    assert.match(lines[2] ?? '', /^tsvnc: \/etc\/tsvnc\/mandatory.conf:1: bad value for restart .*on-failure, always, no/);
    assert.equal(run.step('daemon').out, '', 'no daemon was started');
    assert.equal(run.step('leftovers').out, '');
  });

  it("TigerVNC's session= runs the desktop session's Exec line; an unknown one lists the installed ones", async () => {
    const run = await sandbox(`set_passwd
      mkdir -p ~/.vnc
      echo 'session=icewm-session' >~/.vnc/config
      step start tsvnc start --json
      step status tsvnc status :1 --json
      step kill tsvnc kill :1
      echo 'session=no-such-desktop' >~/.vnc/config
      step unknown tsvnc start
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('start').code, 0, run.stderr);
    const status = run.json<{ options: { xstartup: string }; programPid: number | null }>('status');
    assert.equal(status.options.xstartup, '/usr/bin/icewm-session');
    assert.notEqual(status.programPid, null);
    assert.equal(run.step('unknown').code, 2);
    assert.match(run.stderr, /no desktop session "no-such-desktop" in \/usr\/share\/xsessions \(installed sessions: icewm-session\)/);
    assert.equal(run.step('leftovers').out, '');
  });
});
