import { sameProcess, type ProcessIdentity } from '../proc/process-identity.js';
import type { ListedRecord } from '../model/session-record.js';
import { programProcesses } from './stop-process.js';
import { taggedProcesses } from './tagged-processes.js';

/** Everything a desktop started except its server: the session program's session and every process carrying its tag. */
export async function desktopProcesses(record: ListedRecord): Promise<ProcessIdentity[]> {
  const program = record.state === 'damaged' ? null : record.program;
  const [members, tagged] = await Promise.all([program ? programProcesses(program) : [], taggedProcesses(record.tag)]);
  const all = new Map<string, ProcessIdentity>();
  for (const id of [...members, ...tagged]) if (!sameProcess(id, record.server)) all.set(`${id.pid}:${id.startTicks}`, id);
  return [...all.values()];
}
