import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Doors, type Door } from '../../src/lifecycle/desktop-doors.js';
import type { ListedRecord, SessionRecord } from '../../src/model/session-record.js';
import { DISPLAY, record } from './fakes.js';

/** An opener whose doors are counted, and whose opening waits until `release`. */
function opener() {
  const closed: number[] = [];
  let opened = 0;
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const open = async (r: SessionRecord): Promise<Door<string> | undefined> => {
    await gate;
    if (r.options.web === undefined) return undefined;
    opened++;
    return { info: `door ${opened}`, close: async () => void closed.push(r.display) };
  };
  return {
    open, closed,
    opened: () => opened,
    hold: () => (gate = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
  };
}

const withDoor = (state: Parameters<typeof record>[0] = 'running'): SessionRecord => {
  const r = record(state);
  return { ...r, options: { ...r.options, web: { port: 5807, token: 't' } } } as SessionRecord;
};

describe("the daemon's doors of desktops", () => {
  it('opens one for a desktop that asks, none for one that does not; two starts at once share one', async (t) => {
    const o = opener();
    const doors = new Doors<string>('test door', () => [], o.open);
    t.after(() => doors.closeAll());
    assert.equal(await doors.start(record('running')), undefined);
    await doors.close(DISPLAY);
    o.hold();
    const both = Promise.all([doors.start(withDoor()), doors.start(withDoor())]);
    o.release();
    assert.deepEqual(await both, ['door 1', 'door 1']);
    assert.equal(o.opened(), 1);
    assert.equal(doors.info(DISPLAY), 'door 1');
  });

  it('close while it opens closes what it opened, and forgets it', async (t) => {
    const o = opener();
    const doors = new Doors<string>('test door', () => [], o.open);
    t.after(() => doors.closeAll());
    o.hold();
    const opening = doors.start(withDoor());
    const closing = doors.close(DISPLAY);
    o.release();
    await opening;
    await closing;
    assert.deepEqual(o.closed, [DISPLAY]);
    assert.equal(doors.info(DISPLAY), undefined);
  });

  it('a failed opening is forgotten, so the next start tries again', async (t) => {
    let fail = true;
    const doors = new Doors<string>('test door', () => [], async () => {
      if (fail) throw new Error('port in use');
      return { info: 'open', close: async () => undefined };
    });
    t.after(() => doors.closeAll());
    await assert.rejects(doors.start(withDoor()), /port in use/);
    fail = false;
    assert.equal(await doors.start(withDoor()), 'open');
  });

  it('the sweep closes the door of a desktop that ended by itself', async (t) => {
    mock.timers.enable({ apis: ['setInterval'] });
    t.after(() => mock.timers.reset());
    const o = opener();
    let records: ListedRecord[] = [withDoor()];
    const doors = new Doors<string>('test door', () => records, o.open);
    t.after(() => doors.closeAll());
    await doors.start(withDoor());
    mock.timers.tick(2_000);
    assert.deepEqual(o.closed, [], 'alive: kept');
    records = [withDoor('failed')];
    mock.timers.tick(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(o.closed, [DISPLAY]);
    assert.equal(doors.info(DISPLAY), undefined);
  });

  it('a door that could not open is tried again by the sweep while its desktop runs; one wanting none is not kept as none', async (t) => {
    mock.timers.enable({ apis: ['setInterval'] });
    t.after(() => mock.timers.reset());
    let fail = true;
    let tries = 0;
    const doors = new Doors<string>('test door', () => [withDoor()], async (r) => {
      tries++;
      if (r.options.web === undefined) return undefined;
      if (fail) throw new Error('port in use');
      return { info: 'open', close: async () => undefined };
    });
    t.after(() => doors.closeAll());
    assert.equal(await doors.start(record('running')), undefined);
    await assert.rejects(doors.start(withDoor()), /port in use/);
    fail = false;
    mock.timers.tick(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(doors.info(DISPLAY), 'open', 'opened by the sweep');
    assert.equal(tries, 3);
  });
});
