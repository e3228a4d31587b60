import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { SYSTEM_PATH, systemTool, toolEnv } from '../../src/tools/system-tools.js';

describe('systemTool', () => {
  it('is the first executable regular file of that name along the path, else null', async (t) => {
    const root = await mkdtemp(`${tmpdir()}/tsvnc-tools-`);
    t.after(() => rm(root, { recursive: true, force: true }));
    await mkdir(`${root}/a/xauth`, { recursive: true });
    await mkdir(`${root}/b`);
    await writeFile(`${root}/b/xauth`, '#!/bin/sh\n');
    await chmod(`${root}/b/xauth`, 0o644);
    await mkdir(`${root}/c`);
    await writeFile(`${root}/c/xauth`, '#!/bin/sh\n');
    await chmod(`${root}/c/xauth`, 0o755);
    const path = `${root}/missing:${root}/a:${root}/b:${root}/c`;
    // Root may execute a file without x bits only if some x bit is set: b/xauth is skipped for everyone.
    assert.equal(systemTool('xauth', path), `${root}/c/xauth`);
    assert.equal(systemTool('vncpasswd', path), null);
  });

  it("searches the system's directories, whatever this process's PATH says", (t) => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    t.after(() => { process.env.PATH = saved; });
    assert.match(systemTool('sh') ?? '', /^\/(usr\/)?bin\/sh$/);
    assert.deepEqual(toolEnv(), { PATH: SYSTEM_PATH });
  });
});

describe('the daemon finds its helpers without the PATH of what launched it', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('a daemon started by `env PATH=/usr/local/sbin tsvnc list` still finds xauth for later starts', async () => {
    const run = await sandbox(`set_passwd
      step first tsvnc start --no-xstartup --json
      kill $(daemon_pid); wait_until bash -c '! daemon_pid'
      step list env PATH=/usr/local/sbin "$(command -v node)" $TSVNC_ROOT/dist/src/cli.js list --json
      step daemon_path bash -c 'tr "\\0" "\\n" </proc/$(daemon_pid)/environ | grep "^PATH="'
      step second tsvnc start --no-xstartup --json
      step x2 timeout 5 xdpyinfo -display :2
      step kill tsvnc kill ':*'`);
    assert.equal(run.step('first').code, 0, run.stderr);
    assert.equal(run.step('list').code, 0, run.stderr);
    assert.equal(run.step('daemon_path').out, 'PATH=/usr/local/sbin', 'the daemon runs with the launching command\'s PATH');
    assert.equal(run.step('second').code, 0, run.stderr);
    assert.equal(run.step('x2').code, 0, 'the second desktop took its cookie: xauth ran');
    assert.equal(run.step('kill').code, 0);
  });

  it('a missing xauth or vncpasswd is TOOL_NOT_FOUND with the package to install, and the start leaves nothing', async () => {
    const run = await sandbox(`set_passwd
      mount --bind /dev/null /usr/bin/xauth
      step start tsvnc start --no-xstartup
      step leftovers leftovers
      mount --bind /dev/null /usr/bin/vncpasswd
      step passwd bash -c 'echo otherpw1 | tsvnc passwd --file /tmp/home/p'`);
    assert.equal(run.step('start').code, 3, run.stderr);
    assert.match(run.stderr, /xauth is not installed[^]*apt-get install xauth/);
    assert.equal(run.step('leftovers').out, '');
    assert.equal(run.step('passwd').code, 3);
    assert.match(run.stderr, /vncpasswd is not installed[^]*apt-get install tigervnc-tools/);
  });
});
