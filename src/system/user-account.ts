import { TsvncError } from '../errors.js';
import { fixedProgram } from '../tools/system-tools.js';

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
const END = '\0tsvnc-end\0';
const LOGIN_TIMEOUT_MS = 15_000;
/** More than any real environment: a profile that prints forever is cut off here. */
const MAX_OUTPUT = 4 << 20;

/** The environment between the marks, once both arrived. */
function envBetweenMarks(out: string): Record<string, string> | null {
  const end = out.lastIndexOf(END);
  const at = end === -1 ? -1 : out.lastIndexOf(MARK, end);
  if (at === -1) return null;
  const env: Record<string, string> = {};
  for (const pair of out.slice(at + MARK.length, end).split('\0')) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * The environment the user's login shell sets up (/etc/profile,
 * ~/.profile, their PATH and locale), as a desktop they log in to would
 * have it; whatever the profile prints before it is ignored. Done as soon
 * as the environment has arrived, whatever the profile left running on the
 * pipe (`sleep 1000 &`), and bounded in time and size: one user's profile
 * must never hold up the system daemon. Its own process group, ended
 * afterwards, so nothing the profile started outlives the capture.
 */
export async function loginEnvironment(account: Account): Promise<Record<string, string>> {
  const { spawn } = await import('node:child_process');
  const [file, ...args] = asUser(account, ['--reset-env']);
  const child = spawn(file!, [...args, account.shell, '-l', '-c', `printf '\\0tsvnc-env\\0'; env -0; printf '\\0tsvnc-end\\0'`], {
    stdio: ['ignore', 'pipe', 'ignore'], cwd: '/', env: {}, detached: true,
  });
  const outcome = await new Promise<Record<string, string> | string>((resolve) => {
    let out = '';
    let seen = 0;
    const timer = setTimeout(() => resolve(`no environment within ${LOGIN_TIMEOUT_MS / 1000} s`), LOGIN_TIMEOUT_MS);
    const done = (value: Record<string, string> | string) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      seen += chunk.length;
      // Only the tail can hold the marks: what the profile printed before them is dropped as it comes.
      out = (out + chunk).slice(-MAX_OUTPUT);
      const env = envBetweenMarks(out);
      if (env !== null) done(env);
      else if (seen > 4 * MAX_OUTPUT) done(`it printed more than ${(4 * MAX_OUTPUT) >> 20} MiB without its environment`);
    });
    child.once('error', (error) => done(error.message));
    child.once('exit', (code) => setTimeout(() => done(code === 0 ? 'it ended without printing its environment' : `exit ${code}`), 200));
  });
  child.stdout.destroy();
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone, every process of the group.
  }
  if (typeof outcome === 'string') {
    throw new TsvncError('SERVER_FAILED', `${account.name}'s login shell ${account.shell} did not give its environment (${outcome})`, `check that ${account.name} can log in and that ~/.profile ends`);
  }
  return { ...outcome, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell };
}
