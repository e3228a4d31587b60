import { timingSafeEqual } from 'node:crypto';
import type { OneTimePasswords } from './one-time-passwords.js';
import { vncAuthResponse } from './vnc-des.js';

/** The user's VNC passwords, as the password file holds them. */
export interface Passwords {
  full: string;
  viewOnly?: string;
}

interface Login {
  viewOnly: boolean;
  used: string;
  /** Puts a one-time password back when the viewer could not be let in after all. */
  putBack?: () => void;
}

/** The login a viewer's answer earns, if any. Each candidate is compared, whichever matches: the time taken tells nothing about which. */
export function judge(otps: OneTimePasswords, passwords: Passwords | undefined, challenge: Buffer, response: Buffer): Login | null {
  const answers = (password: string) => timingSafeEqual(vncAuthResponse(challenge, password), response);
  const full = passwords !== undefined && answers(passwords.full);
  const viewOnly = passwords?.viewOnly !== undefined && answers(passwords.viewOnly);
  const otp = otps.reserve(answers);
  if (otp) return { viewOnly: false, used: 'a one-time password', putBack: otp.putBack };
  if (full) return { viewOnly: false, used: 'the password' };
  return viewOnly ? { viewOnly: true, used: 'the view-only password' } : null;
}
