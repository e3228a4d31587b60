import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** dist/test/helpers -> repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${ROOT}dist/src/cli.js`;
const PRELUDE = `${ROOT}test/helpers/sandbox-prelude.sh`;

export const sandboxUnavailable: string | false =
  process.getuid?.() !== 0 ? 'integration tests need root (unshare of net, mount and pid namespaces)'
  : !existsSync('/usr/bin/Xtigervnc') ? 'Xtigervnc is not installed (apt-get install tigervnc-standalone-server)'
  : false;

export interface SandboxOptions {
  /** Written to the namespace's own net.ipv4.ip_local_port_range, e.g. "5900 5999". */
  portRange?: string;
  reservedPorts?: string;
  /** Files put in a private /etc/ssh (paths relative to it). */
  sshd?: Record<string, string>;
  timeoutMs?: number;
  /** The command that runs tsvnc in place of the checkout's build, e.g. an installed /usr/bin/tsvnc. */
  cli?: string;
}

export interface Step {
  code: number;
  out: string;
}

export interface SandboxRun {
  code: number;
  stdout: string;
  stderr: string;
  steps: Map<string, Step>;
  step(name: string): Step;
  json<T = Record<string, unknown>>(name: string): T;
}

function parseSteps(stdout: string): Map<string, Step> {
  const steps = new Map<string, Step>();
  for (const line of stdout.split('\n')) {
    const match = /^@@(\S+) (-?\d+) (\S*)$/.exec(line);
    if (match?.[1] && match[2]) steps.set(match[1], { code: Number(match[2]), out: Buffer.from(match[3] ?? '', 'base64').toString('utf8') });
  }
  return steps;
}

/**
 * Runs a bash script as root in fresh net, mount and pid namespaces with a
 * private tmpfs on /tmp: display numbers are deterministic, nothing outlives
 * the test (the namespace's init dies with it) and the host's sysctls and
 * /tmp are untouched. The script records results with `step NAME command...`.
 */
export async function sandbox(script: string, options: SandboxOptions = {}): Promise<SandboxRun> {
  const env: Record<string, string> = {
    TSVNC_ROOT: ROOT.replace(/\/$/, ''),
    SANDBOX_PORT_RANGE: options.portRange ?? '',
    SANDBOX_RESERVED_PORTS: options.reservedPorts ?? '',
    SANDBOX_SSHD: options.sshd ? JSON.stringify(options.sshd) : '',
    SANDBOX_CLI: options.cli ?? '',
  };
  const result = await execa(
    'unshare', ['--net', '--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'bash', '-c', `source ${JSON.stringify(PRELUDE)}\n${script}`],
    { env, reject: false, timeout: options.timeoutMs ?? 60_000, stdin: 'ignore' },
  );
  const stdout = String(result.stdout);
  const steps = parseSteps(stdout);
  const run: SandboxRun = {
    code: result.exitCode ?? -1,
    stdout,
    stderr: String(result.stderr),
    steps,
    step(name) {
      const step = steps.get(name);
      if (!step) throw new Error(`sandbox step "${name}" did not run (exit ${run.code}):\n${run.stderr.slice(-3000)}`);
      return step;
    },
    json(name) {
      return JSON.parse(run.step(name).out) as never;
    },
  };
  return run;
}

/** The built CLI outside any sandbox, for input handling that touches nothing. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await execa('node', [CLI, ...args], { reject: false, env, stdin: 'ignore' });
  return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
