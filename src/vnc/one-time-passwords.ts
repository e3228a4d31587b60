import { randomInt } from 'node:crypto';

/** No look-alikes (0/O, 1/l/I): a portal may show it to a person who types it. */
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
/** VNC authentication uses a password's first 8 bytes: 8 of 57 symbols, ~46 bits. */
const LENGTH = 8;
/** Unused ones kept at most; the oldest goes first. */
const KEPT = 16;

/**
 * A desktop's one-time passwords, in the daemon's memory only: each is
 * good for one successful authentication. Several may wait at once (a
 * portal may hand out one per viewer), up to KEPT.
 */
export class OneTimePasswords {
  private readonly waiting: string[] = [];

  issue(): string {
    const password = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    this.waiting.push(password);
    if (this.waiting.length > KEPT) this.waiting.shift();
    return password;
  }

  /**
   * Takes the one `matches` accepts out of the waiting ones: used, unless
   * the caller puts it back (tsvnc could not log in to the server, so the
   * password let no one in); meanwhile no one else can use it. Every one is tried, so the time taken does not tell how
   * many wait or which one matched.
   */
  reserve(matches: (password: string) => boolean): { putBack(): void } | null {
    const hits = this.waiting.map(matches);
    const index = hits.indexOf(true);
    if (index === -1) return null;
    const [password = ''] = this.waiting.splice(index, 1);
    return {
      putBack: () => {
        this.waiting.splice(Math.min(index, this.waiting.length), 0, password);
        if (this.waiting.length > KEPT) this.waiting.shift();
      },
    };
  }

  get size(): number {
    return this.waiting.length;
  }
}
