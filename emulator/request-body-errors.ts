// body-parser's refusals (express.json / express.raw on the main port) as catalog errors. Each
// route says its own limit and fix: a JSON body over its limit is not a bundle over 200 MiB.
// Duck-typed on body-parser's `type`/`status` fields, so this file does not import Express.
import { EmulatorError } from './errors.ts';

/** One route's request-body limit, as its refusal names it. */
export interface BodyLimit {
  /** `POST /api/ext-bundles/finalize`. */
  route: string;
  limitBytes: number;
  /** What the caller can do instead, e.g. 'Fix: leave manifestJson out …'. */
  fix: string;
}

/**
 * The catalog error for a body-parser failure, or `err` unchanged when it is not one:
 * over the limit → 413 REQUEST_BODY_TOO_LARGE naming the route's limit; unparsable JSON → 400
 * INVALID_BODY; an unsupported content-encoding or charset → 415
 * REQUEST_BODY_ENCODING_UNSUPPORTED; any other 4xx (a corrupt gzip body, a cut-off upload) →
 * 400 REQUEST_BODY_UNREADABLE.
 *
 * @example requestBodyError(err, { route: 'POST /api/v1/extensions/install', limitBytes: 5 * 1024 * 1024, fix: 'Fix: send {registryId, version} only.' })
 */
export function requestBodyError(err: unknown, limit: BodyLimit): unknown {
  if (err instanceof EmulatorError || err === null || typeof err !== 'object') return err;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') {
    return new EmulatorError('REQUEST_BODY_TOO_LARGE', `the request body of ${limit.route} is over its ${formatBytes(limit.limitBytes)} limit. ${limit.fix}`);
  }
  if (type === 'entity.parse.failed') return new EmulatorError('INVALID_BODY', 'the request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new EmulatorError(
      'REQUEST_BODY_ENCODING_UNSUPPORTED',
      `the request body of ${limit.route} has a content-encoding or charset the emulator cannot read. Fix: send it uncompressed (or gzip, deflate, br) in UTF-8.`,
    );
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new EmulatorError(
      'REQUEST_BODY_UNREADABLE',
      `the request body of ${limit.route} cannot be read: it is cut off, or its compression is corrupt. Fix: send the body complete, with a content-encoding that matches it.`,
    );
  }
  return err;
}

/** `5 MiB (5242880 bytes)`, or `512 bytes` under 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB (${bytes} bytes)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB (${bytes} bytes)`;
  return `${bytes} bytes`;
}
