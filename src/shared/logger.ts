import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. National ids never reach a log: request bodies are not logged, and the
 * fields that could carry one are redacted as a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['*.nationalId', '*.national_id', 'nationalId', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
