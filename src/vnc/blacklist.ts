/**
 * Xtigervnc's defence against password guessing, kept where tsvnc
 * authenticates viewers itself (the server then sees only tsvnc's logins),
 * with its rules: every connection from an address counts until one logs
 * in; after `threshold` - 1 of them, one is let through per `timeoutMs`,
 * the wait doubling at each one let through. Xtigervnc's defaults: 5, 10 s.
 */
export interface BlacklistOptions {
  threshold?: number;
  timeoutMs?: number;
  now?: () => number;
  /** Addresses remembered at most: a guesser with many addresses cannot grow the daemon without bound. */
  capacity?: number;
}

interface Mark {
  marks: number;
  until: number;
  timeoutMs: number;
}

export class Blacklist {
  private readonly entries = new Map<string, Mark>();
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

  /** Whether a new connection from `address` may try; it counts against the address until one logs in. */
  admit(address: string): boolean {
    let mark = this.entries.get(address);
    if (mark === undefined) {
      // As Xtigervnc's isBlackmarked: a new entry starts at one mark and takes this connection's too.
      mark = { marks: 1, until: 0, timeoutMs: this.timeoutMs };
      this.entries.set(address, mark);
      // A Map iterates in insertion order: the first is the address seen longest ago.
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    if (mark.marks < this.threshold) {
      mark.marks++;
      return true;
    }
    const now = this.now();
    if (now < mark.until) return false;
    mark.until = now + mark.timeoutMs;
    mark.timeoutMs *= 2;
    return true;
  }

  succeeded(address: string): void {
    this.entries.delete(address);
  }
}
