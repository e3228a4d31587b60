import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSshdX11, resolveSshdX11, sshdWindow, type ConfigFs } from '../../src/risks/sshd-config.js';

const MAIN = '/etc/ssh/sshd_config';

/** Directory listings come back reverse-sorted, so only the parser's own sorting gives lexical order. */
function memFs(files: Record<string, string>): ConfigFs {
  return {
    readFile: (path) => (Object.hasOwn(files, path) ? (files[path] ?? null) : null),
    listDir: (path) => {
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const file of Object.keys(files)) {
        if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0] ?? '');
      }
      return names.size === 0 ? null : [...names].sort().reverse();
    },
  };
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

test('no sshd_config means no forwarding at the default offset', () => {
  const x11 = resolveSshdX11(memFs({}));
  assert.deepEqual(x11, { forwarding: 'no', offset: 10, source: `no ${MAIN} (sshd not installed)` });
  assert.equal(sshdWindow(x11, 10), null);
});

test('a config without X11 lines uses the defaults', () => {
  const x11 = resolveSshdX11(memFs({ [MAIN]: lines('Port 22', '# X11Forwarding yes', '', 'UsePAM yes') }));
  assert.deepEqual(x11, { forwarding: 'no', offset: 10, source: `${MAIN} (default: no)` });
});

test('X11Forwarding yes and X11DisplayOffset are read with their line', () => {
  const x11 = resolveSshdX11(memFs({ [MAIN]: lines('Port 22', 'X11DisplayOffset 50', 'X11Forwarding yes') }));
  assert.deepEqual(x11, { forwarding: 'yes', offset: 50, source: `${MAIN}:3` });
  assert.deepEqual(sshdWindow(x11, 10), [50, 60]);
});

test('an explicit no names its line', () => {
  const x11 = resolveSshdX11(memFs({ [MAIN]: lines('X11Forwarding no') }));
  assert.deepEqual(x11, { forwarding: 'no', offset: 10, source: `${MAIN}:1` });
});

test('keywords and values are case-insensitive and may be joined by =', () => {
  for (const [text, offset] of [
    ['x11FORWARDING=Yes\nx11displayoffset=20', 20],
    ['X11Forwarding = YES\nX11DisplayOffset = 30', 30],
    ['  X11Forwarding\tyes   # trailing comment\n\tX11DisplayOffset\t40', 40],
  ] as const) {
    const x11 = resolveSshdX11(memFs({ [MAIN]: text }));
    assert.equal(x11.forwarding, 'yes', text);
    assert.equal(x11.offset, offset, text);
  }
});

test('the first value wins', () => {
  const x11 = resolveSshdX11(
    memFs({ [MAIN]: lines('X11Forwarding no', 'X11DisplayOffset 12', 'X11Forwarding yes', 'X11DisplayOffset 99') }),
  );
  assert.deepEqual(x11, { forwarding: 'no', offset: 12, source: `${MAIN}:1` });
});

test('invalid values are skipped', () => {
  const x11 = resolveSshdX11(
    memFs({ [MAIN]: lines('X11Forwarding maybe', 'X11DisplayOffset ten', 'X11Forwarding yes', 'X11DisplayOffset 11') }),
  );
  assert.deepEqual(x11, { forwarding: 'yes', offset: 11, source: `${MAIN}:3` });
});

test('an Include before the main line wins, as in the Debian layout', () => {
  const main = lines('Include /etc/ssh/sshd_config.d/*.conf', 'PermitRootLogin no', 'X11Forwarding yes');
  assert.deepEqual(resolveSshdX11(memFs({ [MAIN]: main })), { forwarding: 'yes', offset: 10, source: `${MAIN}:3` });
  const dropIn = '/etc/ssh/sshd_config.d/50-no-x11.conf';
  const x11 = resolveSshdX11(memFs({ [MAIN]: main, [dropIn]: lines('# local policy', 'X11Forwarding no') }));
  assert.deepEqual(x11, { forwarding: 'no', offset: 10, source: `${dropIn}:2` });
});

test('globbed Include files are processed in lexical order', () => {
  const dir = '/etc/ssh/sshd_config.d';
  const x11 = resolveSshdX11(
    memFs({
      [MAIN]: lines('Include sshd_config.d/*.conf', 'X11Forwarding no'),
      [`${dir}/20-b.conf`]: lines('X11DisplayOffset 20', 'X11Forwarding no'),
      [`${dir}/10-a.conf`]: lines('X11Forwarding yes'),
      [`${dir}/05-z.conf`]: lines('X11DisplayOffset 5'),
      [`${dir}/.00-hidden.conf`]: lines('X11DisplayOffset 1'),
      [`${dir}/00-backup.conf.bak`]: lines('X11DisplayOffset 2'),
    }),
  );
  assert.deepEqual(x11, { forwarding: 'yes', offset: 5, source: `${dir}/10-a.conf:1` });
});

test('Include takes several paths and ? and [...] wildcards', () => {
  const x11 = resolveSshdX11(
    memFs({
      [MAIN]: lines('Include /etc/ssh/d?/[!b]*.conf "/etc/ssh/extra.conf"'),
      '/etc/ssh/d1/b.conf': lines('X11DisplayOffset 1'),
      '/etc/ssh/d1/c.conf': lines('X11DisplayOffset 3'),
      '/etc/ssh/d12/a.conf': lines('X11DisplayOffset 4'),
      '/etc/ssh/extra.conf': lines('X11Forwarding yes'),
    }),
  );
  assert.deepEqual(x11, { forwarding: 'yes', offset: 3, source: '/etc/ssh/extra.conf:1' });
});

test('X11Forwarding yes inside a Match block is conditional', () => {
  const x11 = resolveSshdX11(
    memFs({ [MAIN]: lines('X11Forwarding no', 'Match User alice', '  X11Forwarding yes', '  X11DisplayOffset 70') }),
  );
  assert.deepEqual(x11, { forwarding: 'conditional', offset: 10, source: `${MAIN}:3` });
  assert.deepEqual(sshdWindow(x11, 10), [10, 20]);
});

test('a global yes is not undone by a Match block', () => {
  const x11 = resolveSshdX11(memFs({ [MAIN]: lines('Match Group guests', 'X11Forwarding no', 'Match all', 'X11Forwarding yes') }));
  assert.deepEqual(x11, { forwarding: 'yes', offset: 10, source: `${MAIN}:4` });
});

test('Match all after a Match block returns to the global section', () => {
  const x11 = resolveSshdX11(
    memFs({ [MAIN]: lines('Match User alice', 'X11Forwarding yes', 'MATCH ALL', 'X11Forwarding no', 'X11DisplayOffset 30') }),
  );
  assert.deepEqual(x11, { forwarding: 'conditional', offset: 30, source: `${MAIN}:2` });
  const withoutAll = resolveSshdX11(memFs({ [MAIN]: lines('Match User alice', 'X11Forwarding no', 'X11DisplayOffset 30') }));
  assert.deepEqual(withoutAll, { forwarding: 'no', offset: 10, source: `${MAIN} (default: no)` });
});

test('a Match block ends with the included file that opens it', () => {
  const x11 = resolveSshdX11(
    memFs({
      [MAIN]: lines('Include /etc/ssh/a.conf', 'X11Forwarding yes'),
      '/etc/ssh/a.conf': lines('Match Address 10.0.0.0/8', 'X11Forwarding no'),
    }),
  );
  assert.deepEqual(x11, { forwarding: 'yes', offset: 10, source: `${MAIN}:2` });
});

test('an Include inside a Match block stays conditional, even past Match all', () => {
  const x11 = resolveSshdX11(
    memFs({
      [MAIN]: lines('Match User alice', 'Include /etc/ssh/alice.conf'),
      '/etc/ssh/alice.conf': lines('Match all', 'X11Forwarding yes'),
    }),
  );
  assert.deepEqual(x11, { forwarding: 'conditional', offset: 10, source: '/etc/ssh/alice.conf:2' });
});

test('an include loop terminates', () => {
  const x11 = resolveSshdX11(
    memFs({
      [MAIN]: lines('Include /etc/ssh/*.conf', `Include ${MAIN}`, 'X11DisplayOffset 40'),
      '/etc/ssh/a.conf': lines(`Include ${MAIN} /etc/ssh/*.conf`),
      '/etc/ssh/b.conf': lines('Include /etc/ssh/a.conf', 'X11Forwarding yes'),
    }),
  );
  assert.deepEqual(x11, { forwarding: 'yes', offset: 40, source: '/etc/ssh/b.conf:2' });
});

test('includes nest 16 deep, as in sshd, and no deeper', () => {
  const chain = (yesAt: number): ConfigFs => {
    const files: Record<string, string> = {};
    for (let depth = 0; depth <= 20; depth++) {
      const path = depth === 0 ? MAIN : `/etc/ssh/f${depth}.conf`;
      files[path] = lines(`Include f${depth + 1}.conf`, depth === yesAt ? 'X11Forwarding yes' : '');
    }
    return memFs(files);
  };
  assert.equal(resolveSshdX11(chain(16)).forwarding, 'yes');
  assert.equal(resolveSshdX11(chain(17)).forwarding, 'no');
});

test('sshdWindow is half-open and follows the offset', () => {
  assert.deepEqual(sshdWindow({ forwarding: 'yes', offset: 10, source: 'x' }, 10), [10, 20]);
  assert.deepEqual(sshdWindow({ forwarding: 'conditional', offset: 50, source: 'x' }, 5), [50, 55]);
  assert.equal(sshdWindow({ forwarding: 'no', offset: 10, source: 'x' }, 10), null);
});

test('readSshdX11 reads the real filesystem, globs included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-sshd-'));
  try {
    const main = join(dir, 'sshd_config');
    await mkdir(join(dir, 'conf.d'));
    await writeFile(main, lines(`Include ${dir}/conf.d/*.conf`, 'X11Forwarding no'));
    await writeFile(join(dir, 'conf.d', 'b.conf'), lines('X11Forwarding yes'));
    await writeFile(join(dir, 'conf.d', 'a.conf'), lines('X11DisplayOffset 25'));
    assert.deepEqual(await readSshdX11(main), {
      forwarding: 'yes',
      offset: 25,
      source: `${join(dir, 'conf.d', 'b.conf')}:1`,
    });
    assert.equal((await readSshdX11(join(dir, 'missing'))).forwarding, 'no');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
