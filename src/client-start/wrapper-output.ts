import { passwdFilePath } from '../vnc/passwd-file.js';
import { usesPasswdFile } from '../model/option-validators.js';
import { homeOf } from '../state/state-dir.js';
import { loadConfig } from '../config/load-config.js';
import type { ListedSession, StartResult } from '../daemon/protocol.js';
import { sessionListText, wrapperKillText, wrapperListText, wrapperStartText, type StartedDesktop, type WrapperText } from '../output/vncserver-text.js';
import { printLines, printStderrLines } from '../output/print.js';

/**
 * The classic command line's output, in the words of the wrapper the
 * configuration names (vncserver-output). Loaded only by a classic command:
 * tsvnc's own commands never read the configuration to print.
 */
function print(text: WrapperText): void {
  printStderrLines(text.stderr);
  printLines(text.stdout);
}

const flavour = async () => (await loadConfig()).vncserverOutput;

/** What vncserver's words about a new desktop need, from the daemon's answer. */
function started(result: StartResult): StartedDesktop {
  const { options } = result;
  return {
    result,
    desktop: options.desktop,
    securityTypes: options.securityTypes,
    passwordFile: usesPasswdFile(options.securityTypes) ? options.passwordFile ?? passwdFilePath(homeOf(process.env)) : null,
    sessionProgram: options.xstartup,
  };
}

export async function printWrapperStart(result: StartResult): Promise<void> {
  print(wrapperStartText(await flavour(), started(result)));
}

export async function printWrapperList(sessions: readonly ListedSession[], machine: boolean): Promise<void> {
  if (machine) printLines([sessionListText(sessions)]);
  else print(wrapperListText(await flavour(), sessions));
}

export async function printWrapperKill(stopped: readonly { display: number; pid: number | null }[]): Promise<void> {
  print(wrapperKillText(await flavour(), stopped));
}
