import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { Finding } from '../../src/doctor/finding.js';
import type { ProbeResult } from '../../src/model/probe-result.js';

interface Report {
  displays: [number, number];
  free: number[];
  held: number[];
  findings: Finding[];
  fixed: Array<{ path: string; removed: boolean; message: string }>;
}

function causes(report: Report, display: number | null): string[] {
  return report.findings.filter((f) => f.display === display).map((f) => f.cause).sort();
}

describe('tsvnc doctor against real faults', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('explains every cause on one machine, checking :1-:99', async () => {
    const run = await sandbox(`
      start_x 1
      start_x 2; kill -9 $XPID; wait $XPID
      fixture listen 0.0.0.0 5903
      fixture connect-hold 7000 100
      step json tsvnc doctor --json
      step text tsvnc doctor`, {
      portRange: '5900 5999',
      sshd: { sshd_config: 'X11Forwarding yes\nX11DisplayOffset 40\n' },
    });
    const report = run.json<Report>('json');
    assert.deepEqual(report.displays, [1, 99]);
    assert.equal(report.free.length + report.held.length, 99);
    assert.deepEqual(causes(report, 1), ['live-server']);
    // The outgoing connections fill every free port of 5900-5999, :2's too.
    assert.deepEqual(causes(report, 2), ['port-outgoing', 'stale-lock', 'stale-socket']);
    assert.deepEqual(causes(report, 3), ['port-listener']);
    assert.deepEqual(causes(report, 4), ['port-outgoing']);
    assert.match(report.findings.find((f) => f.display === 4)?.message ?? '', /connect-hold\.js.* \(pid \d+, user root\) to 127\.0\.0\.1:7000 \(ESTABLISHED\)/);
    const global = causes(report, null);
    assert.ok(global.includes('ephemeral-range') && global.includes('sshd-x11-forwarding'), global.join());
    for (const finding of report.findings) {
      assert.ok(finding.message.length > 0 && finding.fix.length > 0 && ['error', 'warning', 'info'].includes(finding.severity));
    }
    const text = run.step('text');
    assert.equal(text.code, 0);
    assert.match(text.out, /^Checked :1-:99 in \d+ ms: \d+ free, \d+ taken \(.*:1.*\)/);
    assert.match(text.out, /:1 is in use by a running X server: Xtigervnc :1 .*\(pid \d+, user root\)/);
    assert.match(text.out, /vncserver -kill :1/);
    assert.match(text.out, /\/tmp\/\.X2-lock is stale: it names pid \d+, which is not running/);
    assert.match(text.out, /X11DisplayOffset 100/);
  });

  it('names the outgoing connection and gives a sysctl fix that works', async () => {
    const run = await sandbox(`
      echo 8000 > /proc/sys/net/ipv4/ip_local_reserved_ports
      fixture time-wait outgoing 5901 7000
      step json tsvnc doctor :1 --json
      step text tsvnc doctor :1
      echo "1024 65000" > /proc/sys/net/ipv4/ip_local_port_range
      fix=$(tsvnc doctor :1 --json | node -e 'const r=JSON.parse(require("fs").readFileSync(0));process.stdout.write(r.findings.find(f=>f.cause==="ephemeral-range").fix.split(" && ")[0])')
      eval "$fix" >/dev/null
      step reserved cat /proc/sys/net/ipv4/ip_local_reserved_ports
      step after tsvnc probe :2 --json`, { portRange: '5901 5901' });
    const report = run.json<Report & { probe: ProbeResult }>('json');
    assert.equal(run.step('json').code, 1);
    const timeWait = report.findings.find((f) => f.cause === 'time-wait');
    assert.equal(timeWait?.severity, 'error');
    assert.match(timeWait?.message ?? '', /127\.0\.0\.1:5901 -> 127\.0\.0\.1:7000.*about \d+(\.\d+)? s more/);
    const ephemeral = report.findings.find((f) => f.cause === 'ephemeral-range');
    assert.match(ephemeral?.fix ?? '', /sysctl -w net\.ipv4\.ip_local_reserved_ports=5900-6099,8000 /);
    assert.match(run.step('text').out, /^:1 is taken\./);
    assert.equal(run.step('reserved').out.trim(), '5900-6099,8000');
    assert.deepEqual(run.json<ProbeResult>('after').risks, []);
  });

  it('--fix removes only provably stale files and never kills', async () => {
    const run = await sandbox(`
      start_x 1; kill -9 $XPID; wait $XPID
      touch -d '-1 min' /tmp/.tX1-lock
      sleep 300 & SLEEPER=$!; printf '%10d\\n' $SLEEPER > /tmp/.X2-lock
      step fix tsvnc doctor --fix --json
      step left ls -A /tmp /tmp/.X11-unix
      step alive kill -0 $SLEEPER`);
    const report = run.json<Report>('fix');
    assert.deepEqual(report.fixed.filter((f) => f.removed).map((f) => f.path).sort(), ['/tmp/.X1-lock', '/tmp/.X11-unix/X1', '/tmp/.tX1-lock']);
    assert.deepEqual(causes(report, 1), []);
    assert.deepEqual(causes(report, 2), ['lock-held']);
    const left = run.step('left').out;
    assert.match(left, /\.X2-lock/);
    assert.doesNotMatch(left, /\.X1-lock|\.tX1-lock|^X1$|tsvnc-reclaim/m);
    assert.equal(run.step('alive').code, 0);
  });

  it('says when nothing is wrong', async () => {
    const run = await sandbox('step text tsvnc doctor :5');
    assert.equal(run.step('text').code, 0);
    assert.match(run.step('text').out, /^:5 is free\.\nNothing to report\.$/);
  });
});

describe('tsvnc doctor and start beside running desktops', { skip: sandboxUnavailable }, () => {
  it("your tsvnc desktop and another user's are information; an unknown X server stays an error; a port of another display is named as its", async () => {
    const run = await sandbox(`private_system
      useradd -m -s /bin/bash alice
      echo secret12 | as_user alice $TSVNC passwd >/dev/null
      set_passwd
      step mine tsvnc start :1 --xstartup 'sleep 1000' --json
      step alice as_user alice $TSVNC start :2 --xstartup 'sleep 1000' --json
      start_x 3
      step json tsvnc doctor --json
      step text tsvnc doctor
      step alice_json as_user alice $TSVNC doctor --json
      step rfbport tsvnc start :4 --rfbport 5902 --no-xstartup
      step theirs tsvnc start :2 --no-xstartup
      step kill tsvnc kill :1
      step alice_kill as_user alice $TSVNC kill :2`, { timeoutMs: 90_000 });
    assert.equal(run.step('mine').code, 0, run.stderr);
    assert.equal(run.step('alice').code, 0, run.stderr);
    const report = run.json<Report>('json');
    const about = (display: number) => report.findings.filter((f) => f.display === display).map((f) => [f.cause, f.severity]);
    assert.deepEqual(about(1), [['tsvnc-desktop', 'info']]);
    assert.deepEqual(about(2), [['tsvnc-desktop', 'info']]);
    assert.deepEqual(about(3), [['live-server', 'error']], 'an X server tsvnc did not start may be abandoned');
    const text = run.step('text').out;
    assert.match(text, /^note: :1 is your tsvnc desktop: \S*Xtigervnc :1 .*\(pid \d+, user root\)\n  fix: nothing to do; tsvnc status :1 shows it/m);
    assert.match(text, /^note: :2 is a tsvnc desktop of user alice: \S*Xtigervnc :2 .*user alice\)\n  fix: it is theirs: use another display/m);
    assert.doesNotMatch(text, /error: :[12] /);
    const alice = run.json<Report>('alice_json');
    assert.deepEqual(alice.findings.filter((f) => f.display === 1 || f.display === 2).map((f) => [f.display, f.cause, f.severity]),
      [[1, 'tsvnc-desktop', 'info'], [2, 'tsvnc-desktop', 'info']], "alice's view: hers and root's");
    assert.equal(run.step('rfbport').code, 1);
    assert.match(run.stderr, /^tsvnc: port 5902 \(RFB\) on 127\.0\.0\.1 is the RFB port of :2, held by that server: \S*Xtigervnc :2 .*user alice\) \(give :4 another port with --rfbport, or leave --rfbport out to use 5904, the port of :4; or leave out :4/m);
    assert.equal(run.step('theirs').code, 1);
    assert.match(run.stderr, /^tsvnc: :2 is a tsvnc desktop of user alice: .*\(it is theirs: use another display; or leave out :2/m);
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('alice_kill').code, 0);
  });
});

describe('tsvnc doctor input', () => {
  it('rejects a bad display with one line and exit 2', async () => {
    const result = await runCli(['doctor', ':x']);
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^tsvnc: ":x" is not a display \(.+\)$/);
  });

  it('rejects --rfbport without a display: one port cannot serve :1-:99', async () => {
    const result = await runCli(['doctor', '--rfbport', '5905']);
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^tsvnc: --rfbport needs a display \(.+\)$/);
  });

  it('rejects a broken configuration file, naming file and line', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const home = await mkdtemp(`${tmpdir()}/tsvnc-doctor-`);
    await mkdir(`${home}/tsvnc`, { recursive: true });
    await writeFile(`${home}/tsvnc/tsvnc.conf`, '# mine\nsshd-window = lots\n');
    const result = await runCli(['doctor', ':1'], { XDG_CONFIG_HOME: home });
    await rm(home, { recursive: true, force: true });
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), new RegExp(`^tsvnc: ${home}/tsvnc/tsvnc.conf:2: bad value for sshd-window \\(.*accepted: a number from 1 to 1000\\)$`));
  });
});
