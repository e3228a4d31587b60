import { createRequire } from 'node:module';
import type { Logger } from 'winston';
import { printable } from './output/printable.js';

/** The one list of log levels, most severe first: the config file, --log-level, TSVNC_LOG_LEVEL and the control protocol's log lines accept these. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type Level = (typeof LOG_LEVELS)[number];

function isLevel(value: string | undefined): value is Level {
  return (LOG_LEVELS as readonly string[]).includes(value ?? '');
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
function loadWinston(): typeof import('winston') {
  return createRequire(import.meta.url)('winston') as typeof import('winston');
}

function winstonLogger(): Logger {
  if (!instance) {
    const winston = loadWinston();
    // emit() filters by level, so winston itself passes everything it is given.
    instance = winston.createLogger({
      level: 'debug',
      transports: [
        new winston.transports.Console({
          stderrLevels: [...LOG_LEVELS],
          format: winston.format.printf(({ level: name, message }) => `tsvnc: ${name}: ${printable(String(message))}`),
        }),
      ],
    });
  }
  return instance;
}

function emit(at: Level, message: string): void {
  if (LOG_LEVELS.indexOf(at) <= LOG_LEVELS.indexOf(level)) winstonLogger().log(at, message);
}

/** Diagnostics only, always on stderr: stdout carries results. Messages are escaped as printed output is (output/printable.ts). */
export const logger = {
  error: (message: string) => emit('error', message),
  warn: (message: string) => emit('warn', message),
  info: (message: string) => emit('info', message),
  debug: (message: string) => emit('debug', message),
};

/** The daemon's event log: a file that rotates by size, so a long-lived daemon never fills the disk. */
export function logToFile(path: string, maxBytes = 1 << 20, maxFiles = 3): void {
  const winston = loadWinston();
  winstonLogger().add(
    new winston.transports.File({
      filename: path,
      maxsize: maxBytes,
      maxFiles,
      tailable: true,
      format: winston.format.combine(
        winston.format.timestamp(),
        winston.format.printf(({ level: name, message, timestamp }) => `${String(timestamp)} ${name}: ${printable(String(message))}`),
      ),
    }),
  );
}

export function setLogLevel(next: Level): void {
  level = next;
  explicit = true;
}

export function setConfiguredLogLevel(next: Level): void {
  if (!explicit) level = next;
}

if (fromEnv !== undefined && !isLevel(fromEnv)) {
  logger.warn(`ignoring TSVNC_LOG_LEVEL=${fromEnv}; accepted: ${LOG_LEVELS.join(', ')}`);
}
