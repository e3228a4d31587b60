import winston from 'winston';

/** Diagnostics only, always on stderr: stdout carries results. */
export const logger = winston.createLogger({
  level: process.env.TSVNC_LOG_LEVEL ?? 'warn',
  format: winston.format.printf(({ level, message }) => `tsvnc: ${level}: ${String(message)}`),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
});

export function setLogLevel(level: string): void {
  logger.level = level;
}
