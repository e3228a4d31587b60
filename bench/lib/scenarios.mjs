// The scenarios in the order they run and are reported. Weights share the
// driver's time bound (the concurrent starts of tigervncserver alone take
// minutes); columns name the tools a scenario's rows compare (key, label, a
// shorter label for the ratios' heads), the first against each of the others.
const WRAPPERS = [['tsvnc', 'tsvnc'], ['tigervncserver', 'tigervncserver'], ['raw', 'bare Xtigervnc', 'bare']];

export const SCENARIOS = [
  { name: 'startup', weight: 1, title: 'Short commands against node and tigervncserver' },
  { name: 'start', weight: 2, title: 'Start to ready, one at a time' },
  { name: 'sessions', weight: 3, title: 'list and kill with many sessions' },
  { name: 'probe', weight: 1.5, title: 'Probing and choosing a display' },
  { name: 'restart', weight: 1, title: 'Restart after `kill -9` of the server' },
  { name: 'concurrent', weight: 4, title: 'Concurrent starts' },
  { name: 'memflags', weight: 3, title: "The daemon's node flags: what each costs a start, and saves in memory" },
  { name: 'xauth', weight: 0.5, title: 'Cookie merges into one Xauthority' },
  {
    name: 'web',
    weight: 1.5,
    title: 'A desktop in a browser: page load, and the gateway against websockify',
    columns: [['tsvnc', 'tsvnc gateway'], ['websockify', 'websockify'], ['direct', 'direct TCP']],
  },
  {
    name: 'otp',
    weight: 1,
    title: "One-time passwords: the daemon's VNC listener against the server reached directly",
    columns: [['tsvnc', 'through tsvnc'], ['direct', 'direct to Xtigervnc', 'direct'], ['node', 'node -e ""', 'node']],
  },
].map((s) => ({ columns: WRAPPERS, ...s }));
