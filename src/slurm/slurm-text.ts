import type { SlurmStartResult } from './submit.js';
import type { SlurmDesktop } from './slurm-list.js';
import { table, viewerAddress } from '../output/session-text.js';

export function slurmStartText(r: SlurmStartResult): string[] {
  return [
    `New desktop ${r.slurm.node}:${r.display} in Slurm job ${r.slurm.jobId} (server pid ${r.pid}, VNC port ${r.rfbPort}), log ${r.log}`,
    `Tunnel from your machine: ${r.tunnel}`,
    `then connect a VNC viewer to ${viewerAddress('localhost', r)}; tsvnc kill ${r.slurm.node}:${r.display} ends the job`,
  ];
}

export function slurmListText(desktops: readonly SlurmDesktop[]): string[] {
  if (desktops.length === 0) return [];
  return table([
    ['SLURM JOB', 'NODE', 'DESKTOP', 'STATE', 'TIME LEFT', 'NOTE'],
    ...desktops.map((d) => [
      d.slurm.jobId, d.slurm.node ?? '-', d.display === null ? '-' : `${d.slurm.node ?? d.host}:${d.display}`, d.state, d.slurm.timeLeft ?? '-', d.slurm.reason ?? '',
    ]),
  ]);
}
