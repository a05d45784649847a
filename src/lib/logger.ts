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
      serializers: { err: serializeError },
    },
    destination,
  );
}

/**
 * Only what helps an operator: HTTP client errors (Azure SDK, Bot Connector) carry the request and
 * response, headers and bearer tokens included, which must never reach the log.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const key of ['code', 'statusCode', 'status'] as const) {
    const value: unknown = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  if (error.cause !== undefined) fields.cause = serializeError(error.cause);
  return fields;
}
