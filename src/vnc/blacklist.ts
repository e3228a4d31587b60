/**
 * Xtigervnc's defence against password guessing, kept where tsvnc
 * authenticates viewers itself (the server then sees only tsvnc's logins):
 * after `threshold` failures in a row from one address, that address is
 * refused for `timeoutMs`, doubled at each failure after that; a success
 * forgets it. Xtigervnc's defaults: 5 failures, 10 s.
 */
export interface BlacklistOptions {
  threshold?: number;
  timeoutMs?: number;
  now?: () => number;
  /** Addresses remembered at most: a guesser with many addresses cannot grow the daemon without bound. */
  capacity?: number;
}

interface Mark {
  failures: number;
  until: number;
  timeoutMs: number;
}

export class Blacklist {
  private readonly marks = new Map<string, Mark>();
  private readonly threshold: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly capacity: number;

  constructor(options: BlacklistOptions = {}) {
    this.threshold = options.threshold ?? 5;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.capacity = options.capacity ?? 4096;
  }

  /** Milliseconds this address is still refused; 0 when it may try. */
  blockedFor(address: string): number {
    const mark = this.marks.get(address);
    return mark === undefined ? 0 : Math.max(0, mark.until - this.now());
  }

  failed(address: string): void {
    const mark = this.marks.get(address) ?? { failures: 0, until: 0, timeoutMs: this.timeoutMs };
    this.marks.delete(address);
    mark.failures++;
    if (mark.failures >= this.threshold) {
      mark.until = this.now() + mark.timeoutMs;
      mark.timeoutMs *= 2;
    }
    this.marks.set(address, mark);
    // A Map iterates in insertion order: the first is the address that failed longest ago.
    if (this.marks.size > this.capacity) this.marks.delete(this.marks.keys().next().value as string);
  }

  succeeded(address: string): void {
    this.marks.delete(address);
  }
}
