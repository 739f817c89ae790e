/**
 * One error type for the whole emulator. `code` is a stable string that tests and callers match
 * on; `status` is the HTTP status a router maps it to; the message says what failed, why, and
 * the fix.
 */
export class EmulatorError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = code;
    this.status = options.status ?? 500;
  }
}

/** Returns `err.message` for Errors and a string form for anything else thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
