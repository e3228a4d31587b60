// Runs one scenario module as root in fresh net, mount and pid namespaces
// with a private /tmp and HOME (the integration tests' sandbox): display
// numbers are deterministic, only loopback exists, and everything the
// scenario started dies with the namespace's init.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const PRELUDE = `${ROOT}/test/helpers/sandbox-prelude.sh`;

/**
 * Resolves with the scenario's result (the JSON on its `@@result` line), or
 * { error } when it failed or ran past timeoutMs, with its stderr's tail.
 */
export function runScenario(name, { env, timeoutMs }) {
  // Not exec: bash stays the namespace's init and reaps the servers orphaned when a daemon is killed.
  const script = `source ${JSON.stringify(PRELUDE)}\nnode ${JSON.stringify(`${ROOT}/bench/scenarios/${name}.mjs`)}\nexit $?`;
  // The sandbox's own HOME decides where the daemon keeps its state, never the host's runtime dir.
  const inherited = { ...process.env };
  delete inherited.XDG_RUNTIME_DIR;
  delete inherited.TSVNC_STATE_DIR;
  delete inherited.TSVNC_LOG_LEVEL;
  return new Promise((resolve) => {
    const child = spawn('unshare', ['--net', '--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'bash', '-c', script], {
      env: { ...inherited, ...env, TSVNC_ROOT: ROOT, SANDBOX_PORT_RANGE: '', SANDBOX_RESERVED_PORTS: '', SANDBOX_SSHD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('@@result '));
      if (line) resolve(JSON.parse(line.slice('@@result '.length)));
      else resolve({ error: signal === 'SIGKILL' ? `no result within ${timeoutMs / 1000} s` : `exit ${code}`, stderr: stderr.slice(-2000) });
    });
  });
}
