import { TsvncError } from '../errors.js';
import { fixedProgram } from '../daemon/fixed-program.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** getent, so NSS users (LDAP, sssd: the HPC case) are found like local ones; root runs it from /usr/bin with no environment. */
export async function lookupUser(name: string): Promise<Account> {
  const { execa } = await import('execa');
  const result = await execa(fixedProgram('getent'), ['passwd', name], { reject: false, timeout: 10_000, env: {}, extendEnv: false, stdin: 'ignore' });
  const fields = String(result.stdout).split('\n')[0]?.split(':') ?? [];
  if (result.exitCode !== 0 || fields.length < 7) throw new TsvncError('BAD_CONFIG', `no user "${name}" on this system`, 'fix /etc/tsvnc/sessions or create the user');
  return { name: fields[0] ?? name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? '/', shell: fields[6] || '/bin/sh' };
}

/** setpriv: the user's uid, primary gid and every supplementary group (libuv's uid option drops those). */
export function asUser(account: Account, options: string[] = []): string[] {
  return [fixedProgram('setpriv'), `--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', ...options, '--'];
}

const MARK = '\0tsvnc-env\0';

/**
 * The environment the user's login shell sets up (/etc/profile,
 * ~/.profile, their PATH and locale), as a desktop they log in to would
 * have it; whatever the profile prints before it is ignored.
 */
export async function loginEnvironment(account: Account): Promise<Record<string, string>> {
  const { execa } = await import('execa');
  const [file, ...args] = asUser(account, ['--reset-env']);
  const result = await execa(file!, [...args, account.shell, '-l', '-c', `printf '\\0tsvnc-env\\0'; exec env -0`], {
    reject: false, timeout: 15_000, stdin: 'ignore', cwd: '/', encoding: 'utf8', env: {}, extendEnv: false,
  });
  const out = String(result.stdout);
  const at = out.lastIndexOf(MARK);
  if (result.exitCode !== 0 || at === -1) {
    throw new TsvncError('SERVER_FAILED', `${account.name}'s login shell ${account.shell} did not run (${result.shortMessage ?? `exit ${result.exitCode}`})`, `check that ${account.name} can log in`);
  }
  const env: Record<string, string> = {};
  for (const pair of out.slice(at + MARK.length).split('\0')) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ...env, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell };
}
