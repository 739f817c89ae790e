import { describe, expect, it } from 'vitest';
import { EmulatorError } from './errors.ts';
import { formatBytes, requestBodyError } from './request-body-errors.ts';

const LIMIT = { route: 'POST /api/v1/extensions/install', limitBytes: 5 * 1024 * 1024, fix: 'Fix: send less.' };
/** The shape body-parser (http-errors) gives its refusals. */
const parserError = (status: number, type?: string) => Object.assign(new Error('from body-parser'), { status, type, expose: true });

describe('requestBodyError', () => {
  it('should name the route and its limit for a body over it (413 REQUEST_BODY_TOO_LARGE)', () => {
    const err = requestBodyError(parserError(413, 'entity.too.large'), LIMIT);
    expect(err).toBeInstanceOf(EmulatorError);
    expect(err).toMatchObject({ code: 'REQUEST_BODY_TOO_LARGE', status: 413, message: 'the request body of POST /api/v1/extensions/install is over its 5 MiB (5242880 bytes) limit. Fix: send less.' });
  });

  it('should map bad JSON, an unknown encoding and an unreadable body to their codes', () => {
    expect(requestBodyError(parserError(400, 'entity.parse.failed'), LIMIT)).toMatchObject({ code: 'INVALID_BODY', status: 400, message: 'the request body is not valid JSON' });
    expect(requestBodyError(parserError(415, 'encoding.unsupported'), LIMIT)).toMatchObject({ code: 'REQUEST_BODY_ENCODING_UNSUPPORTED', status: 415 });
    expect(requestBodyError(parserError(415, 'charset.unsupported'), LIMIT)).toMatchObject({ code: 'REQUEST_BODY_ENCODING_UNSUPPORTED', status: 415 });
    expect(requestBodyError(parserError(400), LIMIT)).toMatchObject({
      code: 'REQUEST_BODY_UNREADABLE',
      status: 400,
      message: 'the request body of POST /api/v1/extensions/install cannot be read: it is cut off, or its compression is corrupt. Fix: send the body complete, with a content-encoding that matches it.',
    });
  });

  it('should pass on catalog errors, server errors and non-errors unchanged', () => {
    const own = new EmulatorError('INVALID_BODY', 'x');
    const bug = new Error('boom');
    const server = parserError(500, 'stream.not.readable');
    expect([requestBodyError(own, LIMIT), requestBodyError(bug, LIMIT), requestBodyError(server, LIMIT), requestBodyError('s', LIMIT)]).toEqual([own, bug, server, 's']);
  });
});

describe('formatBytes', () => {
  it('should print whole MiB and KiB with the byte count, and bytes otherwise', () => {
    expect([formatBytes(5 * 1024 * 1024), formatBytes(16 * 1024), formatBytes(1000)]).toEqual(['5 MiB (5242880 bytes)', '16 KiB (16384 bytes)', '1000 bytes']);
  });
});
