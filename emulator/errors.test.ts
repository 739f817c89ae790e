import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest/index.ts';
import { MissingSchedulesError } from './registry/installs.ts';
import { VersionExistsError } from './registry/publish.ts';
import {
  ERROR_CATALOG,
  EmulatorError,
  errorResponse,
  executeFailed,
  executeFailedMessage,
  executeFailedReason,
  isErrorCode,
  type ErrorCode,
} from './errors.ts';
import { pathRedactor } from './redact-paths.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The emulator's and harness's own source (no tests, no catalog), where codes are thrown; .js too (worker threads such as the archive reader throw catalog codes). */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(file);
      } else if (/\.[tj]s$/.test(entry.name) && !/\.(test|spec)\.ts$/.test(entry.name) && relative(ROOT, file) !== join('emulator', 'error-catalog.ts')) {
        texts.push(readFileSync(file, 'utf8'));
      }
    }
  };
  walk(join(ROOT, 'emulator'));
  walk(join(ROOT, 'harness'));
  return texts.join('\n');
}

describe('ERROR_CATALOG', () => {
  it('gives every code an HTTP error status (4xx or 5xx)', () => {
    const bad = CODES.filter((code) => {
      const { status } = ERROR_CATALOG[code];
      return !Number.isInteger(status) || status < 400 || status > 599;
    });
    expect(bad).toEqual([]);
  });

  it('gives every code a one-line meaning', () => {
    expect(CODES.filter((code) => ERROR_CATALOG[code].meaning.trim() === '' || ERROR_CATALOG[code].meaning.includes('\n'))).toEqual([]);
  });

  it('names codes in UPPER_SNAKE_CASE', () => {
    expect(CODES.filter((code) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code))).toEqual([]);
  });

  it('has no entry that the source never throws', () => {
    const text = sourceText();
    expect(CODES.filter((code) => !text.includes(`'${code}'`))).toEqual([]);
  });

  it('is what the EmulatorError constructor accepts, and sets the status from', () => {
    // Never called: it only has to fail to compile.
    // @ts-expect-error: a code outside the catalog does not compile.
    const typo = (): EmulatorError => new EmulatorError('TYPO', 'x');
    expect(typeof typo).toBe('function');
    expect(new EmulatorError('BUNDLE_TOO_LARGE', 'x').status).toBe(413);
    expect(isErrorCode('BUNDLE_TOO_LARGE')).toBe(true);
    expect(isErrorCode('TYPO')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('errorResponse', () => {
  it('answers a catalog error with its status and {error, code}', () => {
    const err = new EmulatorError('VERSION_NOT_FOUND', 'version "9.9.9" of acme.hello is not published (published: 1.0.0). Publish it first or pick a published version.');
    expect(errorResponse(err)).toEqual({
      status: 404,
      body: {
        error: 'version "9.9.9" of acme.hello is not published (published: 1.0.0). Publish it first or pick a published version.',
        code: 'VERSION_NOT_FOUND',
      },
    });
  });

  it('answers anything else with 500 INTERNAL, never its message', () => {
    const leaky = new Error('ENOENT: /home/dev/.secrets/key.pem');
    expect(errorResponse(leaky)).toEqual({ status: 500, body: { error: 'internal error', code: 'INTERNAL' } });
    expect(errorResponse('a thrown string')).toEqual({ status: 500, body: { error: 'internal error', code: 'INTERNAL' } });
    expect(errorResponse(undefined)).toEqual({ status: 500, body: { error: 'internal error', code: 'INTERNAL' } });
  });

  it('scrubs quoted absolute paths from a catalog error, and applies the redactor given', () => {
    const err = new EmulatorError('MANIFEST_NOT_FOUND', "no manifestJson was sent and the archive cannot be read: ENAMETOOLONG: name too long, open '/srv/emu/cache/ui/x'. Fix: repack.");
    expect(errorResponse(err).body).toEqual({ error: "no manifestJson was sent and the archive cannot be read: ENAMETOOLONG: name too long, open '…/x'. Fix: repack.", code: 'MANIFEST_NOT_FOUND' });
    const redact = pathRedactor([{ path: '/srv/emu', label: '<data>' }]);
    expect(errorResponse(err, { redact }).body.error).toBe("no manifestJson was sent and the archive cannot be read: ENAMETOOLONG: name too long, open '<data>/cache/ui/x'. Fix: repack.");
    expect(errorResponse(new VersionExistsError("acme.hello 1.0.0 is in '/srv/emu/x'"), { redact }).body).toEqual({
      success: false,
      error: { message: "acme.hello 1.0.0 is in '<data>/x'", code: 'EXTENSION_VERSION_ALREADY_EXISTS' },
    });
  });

  it('logs the message and stack of an unexpected error, which the client never sees', () => {
    const lines: Record<string, unknown>[] = [];
    const err = new Error("EACCES: permission denied, open '/srv/emu/registry.sqlite'");
    expect(errorResponse(err, { log: (line) => lines.push(line), where: 'POST /api/ext-bundles/finalize' })).toEqual({ status: 500, body: { error: 'internal error', code: 'INTERNAL' } });
    expect(lines).toEqual([{ level: 'error', msg: 'unexpected error answering POST /api/ext-bundles/finalize; the client got a 500 without it', error: err.message, stack: err.stack }]);
    errorResponse(new EmulatorError('NOT_FOUND', 'x'), { log: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
  });

  it("keeps spec 06's nested body for a republished version", () => {
    expect(errorResponse(new VersionExistsError('acme.hello 1.0.0 is already published'))).toEqual({
      status: 409,
      body: { success: false, error: { message: 'acme.hello 1.0.0 is already published', code: 'EXTENSION_VERSION_ALREADY_EXISTS' } },
    });
  });

  it("keeps spec 06's body with the manifest issues under details", () => {
    const err = new ManifestError([{ path: 'name', message: 'is required' }]);
    expect(errorResponse(err)).toEqual({
      status: 400,
      body: { error: 'invalid manifest.json: name: is required. Fix these fields and publish again.', code: 'INVALID_MANIFEST', details: { issues: [{ path: 'name', message: 'is required' }] } },
    });
  });

  it("keeps spec 06's body listing the schedules an update would orphan", () => {
    const missing = [{ scheduleId: 's1', name: 'nightly', method: 'POST', path: '/sync' }];
    const { status, body } = errorResponse(new MissingSchedulesError(missing, '2.0.0'));
    expect(status).toBe(409);
    expect(body).toEqual({
      success: false,
      code: 'SCHEDULE_ENDPOINTS_MISSING',
      message:
        'version 2.0.0 has no endpoint for 1 schedule(s): nightly (POST /sync). Add the endpoints to api.endpoints, or update with disableMissingSchedules: true to disable those schedules.',
      missing,
    });
  });
});

describe('execute_failed', () => {
  it('builds EXECUTE_FAILED with the prefix once', () => {
    const err = executeFailed('wasm trap: unreachable');
    expect(err).toMatchObject({ code: 'EXECUTE_FAILED', status: 500, message: 'execute_failed: wasm trap: unreachable' });
    expect(executeFailedMessage('execute_failed: wasm trap: unreachable')).toBe('execute_failed: wasm trap: unreachable');
  });

  it('keeps the cause', () => {
    const cause = new Error('link');
    expect(executeFailed('component failed to link: x', cause).cause).toBe(cause);
  });

  it('strips the prefix, and leaves other messages as they are', () => {
    expect(executeFailedReason('execute_failed: invalid body base64: expected standard padded base64')).toBe('invalid body base64: expected standard padded base64');
    expect(executeFailedReason('engine_init_failed: x')).toBe('engine_init_failed: x');
  });
});
