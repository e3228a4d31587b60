import { logger } from '../log.js';
import type { ListedRecord, SessionRecord } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';

/** A listener the daemon runs for one desktop, and what callers may know of it. */
export interface Door<I> {
  info: I;
  close(): Promise<void>;
}

/** How often doors of desktops that ended by themselves are looked for. */
const SWEEP_MS = 2_000;

/**
 * One kind of the daemon's listeners for desktops (the web gateway; the VNC
 * port with one-time passwords), one per desktop that asks for it: up while
 * the desktop is (a server restart keeps it: what it needs is in the
 * record's options), opened again by a successor daemon, closed with the
 * desktop or by the sweep once it ended by itself.
 */
export class Doors<I> {
  private readonly open = new Map<number, Promise<Door<I> | undefined>>();
  private readonly ready = new Map<number, Door<I>>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly name: string, records: () => ListedRecord[], private readonly opener: (record: SessionRecord) => Promise<Door<I> | undefined>) {
    this.sweep = setInterval(() => {
      const alive = new Set(records().filter((r) => r.state !== 'damaged' && isAlive(r.state)).map((r) => r.display));
      for (const display of this.open.keys()) if (!alive.has(display)) void this.close(display);
    }, SWEEP_MS);
    this.sweep.unref();
  }

  info(display: number): I | undefined {
    return this.ready.get(display)?.info;
  }

  /** The desktop's door, opened if it asks for one and has none yet; a start and a daemon's resume at once share one. */
  async start(record: SessionRecord): Promise<I | undefined> {
    let opening = this.open.get(record.display);
    if (opening === undefined) {
      opening = this.opener(record).then((door) => {
        if (door && this.open.get(record.display) === opening) this.ready.set(record.display, door);
        return door;
      });
      this.open.set(record.display, opening);
      opening.catch(() => {
        if (this.open.get(record.display) === opening) this.open.delete(record.display);
      });
    }
    return (await opening)?.info;
  }

  async close(display: number): Promise<void> {
    const opening = this.open.get(display);
    if (opening === undefined) return;
    this.open.delete(display);
    this.ready.delete(display);
    const door = await opening.catch(() => undefined);
    await door?.close().catch((error: Error) => logger.warn(`:${display}: closing its ${this.name}: ${error.message}`));
  }

  closeAll(): Promise<void> {
    clearInterval(this.sweep);
    return Promise.all([...this.open.keys()].map((display) => this.close(display))).then(() => undefined);
  }
}
