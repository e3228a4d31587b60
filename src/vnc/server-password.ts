import { randomBytes } from 'node:crypto';
import { isCode, removeIfPresent, writeNewPrivateFile } from '../tmp/safe-tmp.js';
import { encryptPasswd } from './vnc-des.js';

/**
 * With one-time passwords the server's socket has a password of its own,
 * known to tsvnc alone (the daemon's VNC listener and web gateway log in
 * with it): the user's password file may change under a login (Open
 * OnDemand rotates it after each one), and `--otp-only` needs none.
 * Two, as vncpasswd writes them: full control and view-only (the server
 * enforces a view-only login). Made for each new desktop, kept across its
 * server's restarts.
 */
export async function ensureServerPassword(path: string, fresh: boolean): Promise<void> {
  if (fresh) await removeIfPresent(path);
  try {
    // 8 printable characters each: all of a VNC password that counts.
    const password = () => encryptPasswd(randomBytes(6).toString('base64'));
    await writeNewPrivateFile(path, Buffer.concat([password(), password()]));
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
}
