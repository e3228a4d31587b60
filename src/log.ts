import winston from 'winston';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type Level = (typeof LEVELS)[number];

function isLevel(value: string | undefined): value is Level {
  return (LEVELS as readonly string[]).includes(value ?? '');
}

const fromEnv = process.env.TSVNC_LOG_LEVEL;

/** Diagnostics only, always on stderr: stdout carries results. */
export const logger = winston.createLogger({
  level: isLevel(fromEnv) ? fromEnv : 'warn',
  format: winston.format.printf(({ level, message }) => `tsvnc: ${level}: ${String(message)}`),
  transports: [new winston.transports.Console({ stderrLevels: [...LEVELS] })],
});

if (fromEnv !== undefined && !isLevel(fromEnv)) {
  logger.warn(`ignoring TSVNC_LOG_LEVEL=${fromEnv}; accepted: ${LEVELS.join(', ')}`);
}

/** The command line and the environment beat the configuration file. */
let explicit = isLevel(fromEnv);

export function setLogLevel(level: Level): void {
  logger.level = level;
  explicit = true;
}

export function setConfiguredLogLevel(level: Level): void {
  if (!explicit) logger.level = level;
}
