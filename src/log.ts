import { createRequire } from 'node:module';
import type { Logger } from 'winston';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type Level = (typeof LEVELS)[number];

function isLevel(value: string | undefined): value is Level {
  return (LEVELS as readonly string[]).includes(value ?? '');
}

const fromEnv = process.env.TSVNC_LOG_LEVEL;
let level: Level = isLevel(fromEnv) ? fromEnv : 'warn';
/** The command line and the environment beat the configuration file. */
let explicit = isLevel(fromEnv);
let instance: Logger | undefined;

/**
 * winston costs ~65 ms to load, a quarter of a short command's run, and most
 * commands log nothing: it is loaded on the first line that passes the level.
 */
function winstonLogger(): Logger {
  if (!instance) {
    const winston = createRequire(import.meta.url)('winston') as typeof import('winston');
    // emit() filters by level, so winston itself passes everything it is given.
    instance = winston.createLogger({
      level: 'debug',
      format: winston.format.printf(({ level: name, message }) => `tsvnc: ${name}: ${String(message)}`),
      transports: [new winston.transports.Console({ stderrLevels: [...LEVELS] })],
    });
  }
  return instance;
}

function emit(at: Level, message: string): void {
  if (LEVELS.indexOf(at) <= LEVELS.indexOf(level)) winstonLogger().log(at, message);
}

/** Diagnostics only, always on stderr: stdout carries results. */
export const logger = {
  error: (message: string) => emit('error', message),
  warn: (message: string) => emit('warn', message),
  info: (message: string) => emit('info', message),
  debug: (message: string) => emit('debug', message),
};

export function setLogLevel(next: Level): void {
  level = next;
  explicit = true;
}

export function setConfiguredLogLevel(next: Level): void {
  if (!explicit) level = next;
}

if (fromEnv !== undefined && !isLevel(fromEnv)) {
  logger.warn(`ignoring TSVNC_LOG_LEVEL=${fromEnv}; accepted: ${LEVELS.join(', ')}`);
}
