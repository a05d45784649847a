import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger };

/**
 * Structured JSON logs. Callers log ids, never whole activities, tokens or e-mail addresses; the redaction
 * below is a second line of defence for fields that could carry them.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'liaison' },
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'password', '*.password', 'token', '*.token', 'email', '*.email', 'userPrincipalName', '*.userPrincipalName', 'connectionString', '*.connectionString'],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
