import { logger } from '../log.js';
import type { ListedRecord, SessionRecord } from '../model/session-record.js';
import { isAlive } from '../model/session-state.js';

/** A listener the daemon runs for one desktop, and what callers may know of it. */
export interface Door<I> {
  info: I;
  close(): Promise<void>;
}

/** How often doors are looked after: closed for desktops that ended by themselves, opened again where one failed. */
const SWEEP_MS = 2_000;

/**
 * One kind of the daemon's listeners for desktops (the web gateway; the VNC
 * port with one-time passwords), one per desktop that asks for it: up while
 * the desktop is (a server restart keeps it: what it needs is in the
 * record's options), opened again by a successor daemon, closed with the
 * desktop or by the sweep once it ended by itself. A door that could not
 * open (its port taken meanwhile) is tried again at each sweep.
 */
export class Doors<I> {
  private readonly open = new Map<number, Promise<Door<I> | undefined>>();
  private readonly ready = new Map<number, Door<I>>();
  /** The last failure to open each display's door, said once rather than at every sweep. */
  private readonly failed = new Map<number, string>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly name: string, records: () => ListedRecord[], private readonly opener: (record: SessionRecord) => Promise<Door<I> | undefined>) {
    this.sweep = setInterval(() => {
      const live = records().filter((r): r is SessionRecord => r.state !== 'damaged' && isAlive(r.state));
      const alive = new Set(live.map((r) => r.display));
      for (const display of this.open.keys()) if (!alive.has(display)) void this.close(display);
      // Only doors that failed to open are tried again; the rest opened, or were never wanted.
      for (const display of this.failed.keys()) {
        const record = live.find((r) => r.display === display);
        if (record === undefined) this.failed.delete(display);
        else if (record.state === 'running' && !this.open.has(display)) void this.start(record).catch(() => undefined);
      }
    }, SWEEP_MS);
    this.sweep.unref();
  }

  info(display: number): I | undefined {
    return this.ready.get(display)?.info;
  }

  /** Why the display's door is not open, while the sweep keeps trying. */
  failure(display: number): string | undefined {
    return this.failed.get(display);
  }

  /** The desktop's door, opened if it asks for one and has none yet; a start and a daemon's resume at once share one. */
  async start(record: SessionRecord): Promise<I | undefined> {
    const { display } = record;
    let opening = this.open.get(display);
    if (opening === undefined) {
      opening = this.opener(record);
      this.open.set(display, opening);
      const mine = opening;
      // A desktop that wants no door has none to keep; one that failed is tried again.
      const forget = () => {
        if (this.open.get(display) === mine) this.open.delete(display);
      };
      mine.then((door) => {
        if (this.open.get(display) !== mine) return;
        this.failed.delete(display);
        if (door === undefined) forget();
        else this.ready.set(display, door);
      }, (error: Error) => {
        // One closed meanwhile (tsvnc web off) has nothing to report.
        if (this.open.get(display) !== mine) return;
        forget();
        if (this.failed.get(display) !== error.message) logger.error(`:${display}: its ${this.name} cannot open: ${error.message}`);
        this.failed.set(display, error.message);
      });
    }
    return (await opening)?.info;
  }

  async close(display: number): Promise<void> {
    this.failed.delete(display);
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
