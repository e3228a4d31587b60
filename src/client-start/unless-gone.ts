import { TsvncError } from '../errors.js';

/** A daemon request about one display, or null when the daemon has no session there: it ended meanwhile. */
export async function unlessGone<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof TsvncError && error.code === 'NOT_A_SESSION') return null;
    throw error;
  }
}
