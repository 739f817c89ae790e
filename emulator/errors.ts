import { ERROR_CATALOG, type ErrorCode } from './error-catalog.ts';
import { scrubQuotedPaths, type Redact } from './redact-paths.ts';

export { ERROR_CATALOG, isErrorCode, type ErrorCode } from './error-catalog.ts';

/** The JSON body a route answers an error with. */
export type ErrorBody = Record<string, unknown>;

/** What a route sends for an error: the status and the JSON body. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

export interface EmulatorErrorOptions {
  cause?: unknown;
}

/**
 * One error type for the whole emulator. `code` is a stable catalog code that tests and callers
 * match on; `status` comes from the catalog (ERROR_CATALOG); the message says what failed, why,
 * and the fix.
 *
 * @example
 * throw new EmulatorError('PORT_IN_USE', 'Failed to start the Runner: port 3000 is in use: another process listens on it. Fix: stop it or set PORT=0.');
 */
export class EmulatorError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: EmulatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
  }

  /** The JSON body routes send; subclasses whose production body has another shape override it. */
  toResponseBody(): ErrorBody {
    return { error: this.message, code: this.code };
  }
}

/** Body for anything that is not an EmulatorError: a bug, so nothing of it is shown to the caller. */
export const INTERNAL_ERROR_BODY = { error: 'internal error', code: 'INTERNAL' } as const;

/** A structured log line (the emulator's logger: `StartOptions.log`, else stderr). */
export type LogLine = (line: Record<string, unknown>) => void;

export interface ErrorResponseOptions {
  /** Rewrites messages for the client (`pathRedactor` of the data folder); quoted absolute paths are always scrubbed. */
  redact?: Redact;
  /** Hears every unexpected error (not an EmulatorError) with its message and stack, which the client never sees. */
  log?: LogLine;
  /** Where the error was answered, for the log line (`GET /ext-ui/…`). */
  where?: string;
}

/**
 * The one mapping from a thrown value to an HTTP answer: an EmulatorError answers its catalog
 * status and its body, with file paths scrubbed from its message; anything else is 500 INTERNAL
 * without its message (it may hold paths or secrets), and the detail goes to `options.log`.
 * Routers call this and only write the result.
 *
 * @example
 * const { status, body } = errorResponse(err, { log, where: `${req.method} ${req.path}` });
 * res.status(status).json(body);
 */
export function errorResponse(err: unknown, options: ErrorResponseOptions = {}): ErrorResponse {
  if (err instanceof EmulatorError) return { status: err.status, body: scrubBody(err.toResponseBody(), options.redact) };
  logUnexpected(err, options);
  return { status: 500, body: { ...INTERNAL_ERROR_BODY } };
}

/** Writes an unexpected error's message and stack to the log (never to a client). */
export function logUnexpected(err: unknown, options: Pick<ErrorResponseOptions, 'log' | 'where'>): void {
  options.log?.({
    level: 'error',
    msg: `unexpected error${options.where ? ` answering ${options.where}` : ''}; the client got a 500 without it`,
    error: describeError(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
}

/** String fields of an error body (top level and `error.message`) with internal paths removed. */
function scrubBody(body: ErrorBody, redact: Redact | undefined): ErrorBody {
  const clean = (text: string): string => scrubQuotedPaths(redact ? redact(text) : text);
  const out: ErrorBody = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = clean(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { message?: unknown }).message === 'string') {
      out[key] = { ...value, message: clean((value as { message: string }).message) };
    } else out[key] = value;
  }
  return out;
}

/** Returns `err.message` for Errors and a string form for anything else thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Production's prefix for the Runner's step-7 failures (spec 02): the envelope's `error` is
 * `execute_failed: <reason>`. Defined once: the loader, the worker pool, body decoding and the
 * Runner build it; the doctor strips it.
 */
export const EXECUTE_FAILED_PREFIX = 'execute_failed: ';

/** `reason` with the execute_failed prefix, added once (an already prefixed message is kept). */
export function executeFailedMessage(reason: string): string {
  return reason.startsWith(EXECUTE_FAILED_PREFIX) ? reason : `${EXECUTE_FAILED_PREFIX}${reason}`;
}

/** An EXECUTE_FAILED error whose message is production's `execute_failed: <reason>`. */
export function executeFailed(reason: string, cause?: unknown): EmulatorError {
  return new EmulatorError('EXECUTE_FAILED', executeFailedMessage(reason), { cause });
}

/** The reason of an `execute_failed: <reason>` message; other messages are returned unchanged. */
export function executeFailedReason(message: string): string {
  return message.startsWith(EXECUTE_FAILED_PREFIX) ? message.slice(EXECUTE_FAILED_PREFIX.length) : message;
}
