const X_SERVER = /^(\S*\/)?(Xtigervnc|Xvnc|Xorg|Xvfb|Xwayland|Xephyr|Xnest|X)( |$)/;

export function isXServer(command: string | null): boolean {
  return command !== null && X_SERVER.test(command);
}

/** The display an X server was started for, from its command line (`Xtigervnc :5 ...`). */
export function serverDisplay(command: string): number | null {
  const match = / :(\d+)( |$)/.exec(command);
  return match?.[1] === undefined ? null : Number(match[1]);
}
