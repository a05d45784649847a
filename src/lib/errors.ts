/**
 * Errors with stable codes. The edge maps a code to an HTTP status or to a sentence a person can act on;
 * nothing branches on message text.
 */
export type LiaisonErrorCode =
  | 'STORAGE_UNAVAILABLE'
  | 'NOT_ALLOWED'
  | 'INVALID_INPUT'
  | 'SEND_FAILED'
  /** Too many people changed the same thing at once; trying again shortly works. */
  | 'BUSY';

export class LiaisonError extends Error {
  constructor(
    readonly code: LiaisonErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LiaisonError';
  }
}

export function isLiaisonError(error: unknown, code?: LiaisonErrorCode): error is LiaisonError {
  return error instanceof LiaisonError && (code === undefined || error.code === code);
}
