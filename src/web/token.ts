import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: the secret a browser's URL carries. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant time whatever the input: comparing digests makes both sides the
 * same length, so neither the length nor the first differing byte of the
 * real token shows in the time a wrong guess takes.
 */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (expected.length === 0) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  const equal = timingSafeEqual(digest(given ?? ''), digest(expected));
  return equal && given !== null && given !== undefined;
}
