import { TsvncError } from '../../src/errors.js';
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../src/model/restart-policy.js';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { SessionStore } from '../../src/state/session-store.js';
import type { RunningRecord, SessionRecord } from '../../src/model/session-record.js';
import { SAVED_FILES, savedText } from '../model/saved-records.js';

let dir = '';
let store: SessionStore;

beforeEach(async () => {
  dir = await mkdtemp(`${tmpdir()}/tsvnc-store-`);
  store = new SessionStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function record(display: number, fields: Partial<RunningRecord> = {}): RunningRecord {
  return {
    display,
    state: 'running',
    options: {
      geometry: '1920x1080',
      depth: 24,
      desktop: `host:${display} (me)`,
      localhost: true,
      securityTypes: ['VncAuth'],
      rfbPort: 5900 + display,
      xstartup: null,
      autokill: true,
      extraArgs: ['-AlwaysShared'],
      restart: DEFAULT_POLICY,
    },
    server: { pid: 1000 + display, startTicks: 123456 },
    program: null,
    log: `/home/me/.vnc/host:${display}.log`,
    authFile: `/s/${display}.auth`,
    xauthority: '/home/me/.Xauthority',
    startedAt: '2025-01-02T03:04:05.000Z',
    restarts: 0,
    lastExit: null,
    binary: '/usr/bin/Xtigervnc',
    env: { HOME: '/home/me' },
    home: '/home/me',
    failures: [],
    reason: null,
    tag: `host:${display}:abc`,
    ...fields,
  };
}

describe('SessionStore', () => {
  it('saves records and loads them back sorted by display', async () => {
    const records: SessionRecord[] = [record(10), record(2), { ...record(1), state: 'failed', reason: 'x', lastExit: { code: 1, signal: null, at: 'T' } }];
    for (const r of records) await store.save(r);
    assert.deepEqual((await store.loadAll()).records, [records[2], records[1], records[0]]);
    assert.deepEqual((await readdir(dir)).sort(), ['1.json', '10.json', '2.json']);
  });

  it('overwrites the record of the same display', async () => {
    await store.save(record(3));
    const stopped: SessionRecord = { ...record(3, { restarts: 4 }), state: 'stopped', reason: 'the X server exited (exit code 0)' };
    await store.save(stopped);
    assert.deepEqual((await store.loadAll()).records, [stopped]);
  });

  it('writes owner-only files and leaves no temp or lock files', async () => {
    await store.save(record(5));
    await store.save(record(5, { restarts: 1 }));
    assert.deepEqual(await readdir(dir), ['5.json']);
    const info = await stat(`${dir}/5.json`);
    assert.ok(info.isFile());
    assert.equal(info.mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(`${dir}/5.json`, 'utf8')), record(5, { restarts: 1 }));
  });

  it('removes a record, and removing a missing one is fine', async () => {
    await store.save(record(1));
    await store.save(record(2));
    await store.remove(1);
    assert.deepEqual((await store.loadAll()).records.map((r) => r.display), [2]);
    await store.remove(1);
    await store.remove(99);
    assert.deepEqual(await readdir(dir), ['2.json']);
  });

  it('reports a garbage or unreadable file with its path and never hides the others', async () => {
    await store.save(record(1));
    await writeFile(`${dir}/2.json`, '{"display": 2, "state": "runn');
    await writeFile(`${dir}/3.json`, '');
    await mkdir(`${dir}/4.json`);
    await store.save(record(5));
    const { records, damaged } = await store.loadAll();
    assert.deepEqual(records.map((r) => r.display), [1, 5]);
    assert.deepEqual(damaged.map((d) => [d.display, d.path]).sort(), [[2, `${dir}/2.json`], [3, `${dir}/3.json`], [4, `${dir}/4.json`]]);
    assert.match(damaged.find((d) => d.display === 4)?.problem ?? '', /EISDIR/);
    // Removing it (kill :4) says what it is and how to remove it, not a raw EISDIR.
    await assert.rejects(store.remove(4), (error: unknown) => error instanceof TsvncError && error.code === 'UNSAFE_PATH'
      && error.message === `${dir}/4.json is a directory, not a session record` && error.hint === `look inside, then remove it: rm -r ${dir}/4.json`);
  });

  it('reports JSON that is not a valid record, naming the bad field (issue 12, item 7)', async () => {
    await store.save(record(1));
    await writeFile(`${dir}/2.json`, 'null\n');
    await writeFile(`${dir}/8.json`, '{"display":8,"state":"stopped"}');
    await writeFile(`${dir}/6.json`, JSON.stringify({ ...record(6), display: '6' }));
    await writeFile(`${dir}/9.json`, JSON.stringify(record(10)));
    await store.save(record(3));
    const { records, damaged } = await store.loadAll();
    assert.deepEqual(records.map((r) => r.display), [1, 3]);
    assert.deepEqual(Object.fromEntries(damaged.map((d) => [d.display, d.problem])), {
      2: 'the content is null, not an object',
      6: 'display is "6", not a whole number from 0 to 59535',
      8: 'options is missing, not an object',
      9: 'display is 10, not the 9 its file name says',
    });
  });

  it('reads every file the daemon writes, of every state, and writes each back byte for byte', async () => {
    for (const name of SAVED_FILES) {
      const text = savedText(name);
      const { display } = JSON.parse(text) as { display: number };
      await writeFile(`${dir}/${display}.json`, text);
      const { records: [loaded], damaged } = await store.loadAll();
      assert.deepEqual([damaged, loaded?.display], [[], display], name);
      assert.ok(loaded);
      await rm(`${dir}/${display}.json`);
      await store.save(loaded);
      assert.equal(await readFile(`${dir}/${display}.json`, 'utf8'), text, name);
      await rm(`${dir}/${display}.json`);
    }
  });

  it('a record saved before tags existed loads with an empty tag', async () => {
    const { tag: _, ...old } = record(4);
    await writeFile(`${dir}/4.json`, JSON.stringify(old));
    assert.equal((await store.loadAll()).records[0]?.tag, '');
  });

  it('a write that fails names the file and the fix', async () => {
    const broken = new SessionStore(`${dir}/missing`);
    await assert.rejects(broken.save(record(1)), (error: Error & { code?: string }) =>
      error.code === 'STATE_WRITE_FAILED' && error.message.startsWith(`cannot write ${dir}/missing/1.json`));
  });

  it('ignores files that are not <N>.json', async () => {
    await store.save(record(7));
    await writeFile(`${dir}/7.json.abc123.tmp`, '{');
    await writeFile(`${dir}/notes.json`, '{}');
    await writeFile(`${dir}/-1.json`, '{}');
    await mkdir(`${dir}/8.json.lock`);
    assert.deepEqual((await store.loadAll()).records.map((r) => r.display), [7]);
  });

  it('20 concurrent saves of one display end with one valid file', async () => {
    const saves = Array.from({ length: 20 }, (_, i) => record(4, { restarts: i }));
    await Promise.all(saves.map((r) => store.save(r)));
    assert.deepEqual(await readdir(dir), ['4.json']);
    const loaded = (await store.loadAll()).records;
    assert.equal(loaded.length, 1);
    assert.ok(saves.some((r) => JSON.stringify(r) === JSON.stringify(loaded[0])), 'the file is one of the saved records, whole');
    assert.equal((await stat(`${dir}/4.json`)).mode & 0o777, 0o600);
  });

  it('two stores on one dir (a daemon and its successor) do not interleave', async () => {
    const other = new SessionStore(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).save(record(6, { restarts: i }))));
    assert.deepEqual(await readdir(dir), ['6.json']);
    const loaded = (await store.loadAll()).records;
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0]?.display, 6);
  });
});
