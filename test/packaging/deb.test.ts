import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, lstatSync } from 'node:fs';
import { copyFile, cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { assertWebServed, bundledNoVnc, webSteps } from './web-steps.js';
import type { SessionSummary } from '../../src/model/session-record.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Serializes the install-and-purge of every test run on this machine: there is one dpkg database. */
const MACHINE_LOCK = '/run/lock/tsvnc-deb-test.lock';

const buildUnavailable: string | false =
  !existsSync('/usr/bin/dpkg-deb') ? 'dpkg-deb is not installed (a Debian machine is needed)'
  : !existsSync('/usr/bin/lintian') ? 'lintian is not installed (apt-get install lintian)'
  : false;

/** Holds an exclusive flock(1) on `path` until the returned function is called, or until this process dies. */
async function machineLock(path: string): Promise<() => Promise<void>> {
  const holder = execa('flock', ['--exclusive', path, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdin: 'pipe', buffer: false, reject: false });
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once('data', () => resolve());
    holder.once('exit', () => reject(new Error(`could not lock ${path}`)));
  });
  return async () => {
    holder.stdin?.end();
    await holder;
  };
}

/** dpkg, waiting while another package operation on the machine holds its lock. */
async function dpkg(args: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const result = await execa('dpkg', args, { reject: false, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.exitCode === 0) return String(result.stdout);
    if (!/lock/i.test(String(result.stderr)) || attempt >= 300) throw new Error(`dpkg ${args.join(' ')} failed: ${String(result.stderr)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The package's dpkg status, or '' when dpkg does not know it. */
async function packageStatus(): Promise<string> {
  const result = await execa('dpkg-query', ['-W', '-f=${Status}', 'tsvnc'], { reject: false });
  return result.exitCode === 0 ? String(result.stdout).trim() : '';
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('the Debian package', { skip: buildUnavailable }, () => {
  let out = '';
  let deb = '';

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'tsvnc-deb-'));
    const build = await execa('bash', [`${ROOT}scripts/build-deb.sh`, out], { reject: false });
    assert.equal(build.exitCode, 0, String(build.stderr));
    deb = String(build.stdout).trim().split('\n').at(-1) ?? '';
  });

  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('is named after the version, holds what it should, and lintian reports no error or warning', async () => {
    const { version } = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { version: string };
    assert.equal(deb, join(out, `tsvnc_${version}_all.deb`));
    const contents = `${String((await execa('dpkg-deb', ['--contents', deb])).stdout)}\n`;
    for (const path of [
      './usr/bin/tsvnc -> ../share/tsvnc/tsvnc.mjs', './usr/share/tsvnc/tsvnc.mjs', './usr/share/tsvnc/chunks/winston.cjs', './usr/share/man/man1/tsvnc.1.gz',
      './usr/share/man/man5/tsvnc.conf.5.gz', './lib/systemd/system/tsvnc.service', './lib/systemd/system/tsvnc@.service',
      './usr/lib/systemd/user/tsvnc.service', './usr/share/bash-completion/completions/tsvnc',
      './usr/share/doc/tsvnc/copyright', './usr/share/doc/tsvnc/changelog.gz',
    ]) {
      assert.ok(contents.includes(` ${path}\n`), `${path} is missing from:\n${contents}`);
    }
    const chunks = (await readdir(`${ROOT}dist/bundle/chunks`)).sort();
    const packed = [...contents.matchAll(/ \.\/usr\/share\/tsvnc\/chunks\/([^/\s]+)\/?\n/g)].map((m) => m[1]).sort();
    assert.deepEqual(packed, chunks, 'the package holds every chunk of the bundle, and nothing else there');
    const noVnc = [...contents.matchAll(/ \.\/usr\/share\/tsvnc\/chunks\/novnc\/(\S*[^/\s])\n/g)].map((m) => m[1]).filter((path) => !contents.includes(` ./usr/share/tsvnc/chunks/novnc/${path}/\n`)).sort();
    assert.deepEqual(noVnc, await bundledNoVnc(false), "noVNC's client files, whose licenses are in the copyright file");
    const copyright = String((await execa('dpkg-deb', ['--fsys-tarfile', deb]).pipe('tar', ['-xO', './usr/share/doc/tsvnc/copyright'])).stdout);
    const bundled: [string, string][] = [
      ['@novnc/novnc', 'MPL-2.0'], ['pkijs', 'BSD-3-Clause'], ['asn1js', 'BSD-3-Clause'], ['bytestreamjs', 'BSD-3-Clause'], ['ws', 'Expat'],
      ['@noble/hashes', 'Expat'], ['@peculiar/utils', 'Expat'], ['des.js', 'Expat'], ['inherits', 'ISC'], ['minimalistic-assert', 'ISC'],
    ];
    for (const [name, license] of bundled) {
      assert.match(copyright, new RegExp(`^Files: node_modules/${name.replaceAll('.', '\\.')}/\\*\n(?:.+\n)*?License: ${license}\n`, 'm'), `the copyright file names ${name} (${license})`);
    }
    assert.match(copyright, /^Files: node_modules\/@novnc\/novnc\/vendor\/pako\/\*\n(?:.+\n)*?License: Expat\n/m, 'and pako, inside noVNC');
    const depends = String((await execa('dpkg-deb', ['--field', deb, 'Depends'])).stdout);
    assert.match(depends, /nodejs \(>= 20\.19\)/);
    const lint = await execa('lintian', ['--fail-on', 'error,warning', deb], { reject: false });
    assert.equal(lint.exitCode, 0, `${String(lint.stdout)}\n${String(lint.stderr)}`);
    assert.doesNotMatch(String(lint.stdout), /^[EW]: /m);
  });

  it('is the same, byte for byte, when built again', async () => {
    const again = await execa('bash', [`${ROOT}scripts/build-deb.sh`, join(out, 'again')], { reject: false });
    assert.equal(again.exitCode, 0, String(again.stderr));
    assert.ok((await readFile(deb)).equals(await readFile(String(again.stdout).trim())), 'two builds of one checkout differ');
  });

  it('its bundle runs alone, without node_modules or package.json beside it', async () => {
    const alone = join(out, 'alone.mjs');
    await copyFile(`${ROOT}dist/bundle/tsvnc.mjs`, alone);
    await cp(`${ROOT}dist/bundle/chunks`, join(out, 'chunks'), { recursive: true });
    const { version } = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { version: string };
    const run = await execa('node', [alone, '--version'], { reject: false, cwd: out, env: { TSVNC_LOG_LEVEL: 'loud' } });
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.equal(String(run.stdout).trim(), version);
    // The warning goes through winston, which the bundle loads only on first use.
    assert.match(String(run.stderr), /tsvnc: warn: ignoring TSVNC_LOG_LEVEL=loud/);
  });

  it('installs, runs from /usr/bin, serves noVNC with start --web, verifies under systemd, and purges without a trace', { skip: sandboxUnavailable, timeout: 600_000 }, async (t) => {
    const release = await machineLock(MACHINE_LOCK);
    let ours = false;
    try {
      const status = await packageStatus();
      if (status !== '' && !status.endsWith('not-installed')) {
        t.skip(`tsvnc is already installed on this machine (${status}); this test would replace and purge it`);
        return;
      }
      const paths = String((await execa('dpkg-deb', ['--contents', deb])).stdout)
        .split('\n').filter(Boolean).map((line) => (/ \.(\/\S*)/.exec(line)?.[1] ?? '').replace(/\/$/, '')).filter(Boolean);
      const existedBefore = new Set(paths.filter(exists));
      ours = true;
      await dpkg(['--install', deb]);

      const alternatives = String((await execa('update-alternatives', ['--query', 'vncserver'])).stdout);
      assert.match(alternatives, /^Alternative: \/usr\/bin\/tsvnc\nPriority: 40$/m);
      assert.doesNotMatch(alternatives, /^Value: \/usr\/bin\/tsvnc$/m, 'installing does not take vncserver over');

      const verify = await execa('systemd-analyze', ['verify', '/lib/systemd/system/tsvnc.service', '/lib/systemd/system/tsvnc@.service', 'tsvnc@1.service'], { reject: false, all: true });
      assert.equal(verify.exitCode, 0, String(verify.all));
      assert.equal(String(verify.all), '', 'systemd-analyze verify has no warning');
      const runtime = await mkdtemp(join(tmpdir(), 'tsvnc-xdg-'));
      try {
        const user = await execa('systemd-analyze', ['--user', 'verify', '/usr/lib/systemd/user/tsvnc.service'], { reject: false, all: true, env: { XDG_RUNTIME_DIR: runtime } });
        assert.equal(user.exitCode, 0, String(user.all));
        assert.equal(String(user.all), '', 'systemd-analyze --user verify has no warning');
      } finally {
        await rm(runtime, { recursive: true, force: true });
      }

      const run = await sandbox(`set_passwd
        step version tsvnc --version
        step start tsvnc start --no-xstartup --json
        step list tsvnc list --json
        step daemon pgrep -a -f '^/usr/bin/node (--[^ ]+ )*/usr/bin/tsvnc daemon --foreground'
        step complete bash -c 'source /usr/share/bash-completion/completions/tsvnc; COMP_WORDS=(tsvnc sta); COMP_CWORD=1; _tsvnc_yargs_completions; echo "\${COMPREPLY[@]}"'
        step kill tsvnc kill :1
        ${webSteps('tsvnc', '/usr/share/tsvnc')}
        step leftovers leftovers`, { cli: '/usr/bin/tsvnc', timeoutMs: 90_000 });
      const { version } = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { version: string };
      assert.equal(run.step('version').out.trim(), version, run.stderr);
      assert.equal(run.step('start').code, 0, run.stderr);
      assert.equal(run.json<SessionSummary>('start').display, 1);
      assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [[1, 'running']]);
      assert.equal(run.step('daemon').code, 0, 'the daemon runs from the installed program');
      assert.equal(run.step('complete').out.trim(), 'start status');
      assert.equal(run.step('kill').code, 0, run.stderr);
      assertWebServed(run);
      assert.equal(run.step('leftovers').out, '');

      await dpkg(['--purge', 'tsvnc']);
      ours = false;
      assert.equal(await packageStatus().then((s) => s === '' || s.endsWith('not-installed')), true);
      assert.deepEqual(paths.filter((path) => !existedBefore.has(path) && exists(path)), [], 'files of the package left behind');
      assert.doesNotMatch(String((await execa('update-alternatives', ['--query', 'vncserver'])).stdout), /tsvnc/);
      assert.deepEqual((await readdir('/var/lib/dpkg/info')).filter((name) => name.startsWith('tsvnc.')), []);
      const state = await execa('find', ['/var/lib/systemd', '-name', '*tsvnc*'], { reject: false });
      assert.equal(String(state.stdout), '', 'systemd state of the package left behind');
    } finally {
      if (ours) await dpkg(['--purge', 'tsvnc']);
      await release();
    }
  });
});
