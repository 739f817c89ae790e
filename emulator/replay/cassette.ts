/**
 * The cassette: recorded calls of one extension (the request the guest got, its host calls with
 * arguments and answers in full, the Runner's envelope), as a versioned JSON file that `replay`
 * runs a build against offline. Host calls reuse the ledger's record (`HostCallRecord`) with
 * `args`/`result` in the lossless cassette encoding (cassette-values.ts).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmulatorError, describeError } from '../errors.ts';
import type { HostCallRecord } from '../contracts/host-call.ts';
import type { ExecuteEnvelope } from '../runner/execute/execute-response.ts';
import type { ExecuteBody } from '../runner/execute/request-body.ts';
import { isCassetteValue, type CassetteValue } from './cassette-values.ts';

/** What every cassette file says it is. */
export const CASSETTE_FORMAT = 'alga-emulator-cassette';
/** The format version written, and the only one read. Bump it when a field changes meaning. */
export const CASSETTE_VERSION = 1;

/** A cassette (`emu.record()` writes one; `replay` reads one). */
export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  version: typeof CASSETTE_VERSION;
  /** When the cassette was written (ISO 8601, the emulator's clock). */
  recordedAt: string;
  calls: CassetteCall[];
}

/** The execute body the guest ran with, without its secret envelope and config (neither reaches the guest). */
export type RecordedRequest = Omit<ExecuteBody, 'secret_envelope' | 'context'> & { context: Omit<ExecuteBody['context'], 'config'> };

/** One host call as a cassette keeps it: the ledger's record, with arguments and result in full. */
export type CassetteHostCall = Omit<HostCallRecord, 'args' | 'result' | 'requestId'> & {
  args: CassetteValue[];
  /** The value the guest got on `ok`. */
  result?: CassetteValue;
};

/** One recorded call: request, host calls in order, the Runner's answer. */
export interface CassetteCall {
  /** The call's request id (`context.request_id`, else the `x-request-id` header), when it had one. */
  requestId?: string;
  request: RecordedRequest;
  hostCalls: CassetteHostCall[];
  response: ExecuteEnvelope;
}

/**
 * A new cassette of `calls`.
 * @example const cassette = newCassette(recorder.calls, new Date());
 */
export function newCassette(calls: readonly CassetteCall[], recordedAt: Date): Cassette {
  return { format: CASSETTE_FORMAT, version: CASSETTE_VERSION, recordedAt: recordedAt.toISOString(), calls: [...calls] };
}

/** The recorded request of an execute body: the secret envelope and config left out. */
export function recordedRequest(body: ExecuteBody): RecordedRequest {
  const { secret_envelope: _secrets, context, ...rest } = body;
  const { config: _config, ...recordedContext } = context;
  return { ...rest, context: recordedContext };
}

/** Writes `cassette` to `file` as JSON (atomically: a temp file, then a rename). */
export async function writeCassette(file: string, cassette: Cassette): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, `${JSON.stringify(cassette, null, 1)}\n`);
    await rename(temp, file);
  } catch (err) {
    throw new EmulatorError('CASSETTE_UNREADABLE', `Failed to write the cassette ${file}: ${describeError(err)}. Fix: record to a writable path.`, { cause: err });
  }
}

/** Reads and checks a cassette file. */
export async function readCassette(file: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new EmulatorError('CASSETTE_UNREADABLE', `Failed to read the cassette ${file}: ${describeError(err)}. Fix: pass the path emu.record() wrote.`, { cause: err });
  }
  return parseCassette(text, file);
}

/**
 * A cassette from its JSON text, checked field by field: CASSETTE_VERSION_UNSUPPORTED for another
 * version, CASSETTE_INVALID naming the first bad field.
 */
export function parseCassette(text: string, source = 'cassette'): Cassette {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid(source, `it is not JSON (${describeError(err)})`);
  }
  if (!isObject(data) || data.format !== CASSETTE_FORMAT) throw invalid(source, `"format" is not "${CASSETTE_FORMAT}"`);
  if (data.version !== CASSETTE_VERSION) {
    throw new EmulatorError(
      'CASSETTE_VERSION_UNSUPPORTED',
      `Failed to read ${source}: it is cassette version ${JSON.stringify(data.version)}, and this emulator reads version ${CASSETTE_VERSION}. Fix: record it again with this emulator, or replay it with the emulator that wrote it.`,
    );
  }
  if (typeof data.recordedAt !== 'string') throw invalid(source, '"recordedAt" is not a string');
  if (!Array.isArray(data.calls)) throw invalid(source, '"calls" is not a list');
  data.calls.forEach((call, i) => checkCall(call, `calls[${i}]`, source));
  return data as unknown as Cassette;
}

function checkCall(call: unknown, at: string, source: string): void {
  if (!isObject(call)) throw invalid(source, `${at} is not an object`);
  if (call.requestId !== undefined && typeof call.requestId !== 'string') throw invalid(source, `${at}.requestId is not a string`);
  const request = call.request;
  if (!isObject(request) || !isObject(request.context) || !isObject(request.http)) throw invalid(source, `${at}.request has no context and http`);
  for (const field of ['tenant_id', 'extension_id', 'content_hash'] as const) {
    if (typeof request.context[field] !== 'string') throw invalid(source, `${at}.request.context.${field} is not a string`);
  }
  for (const field of ['method', 'path'] as const) {
    if (typeof request.http[field] !== 'string') throw invalid(source, `${at}.request.http.${field} is not a string`);
  }
  if (!Array.isArray(call.hostCalls)) throw invalid(source, `${at}.hostCalls is not a list`);
  call.hostCalls.forEach((hostCall, j) => checkHostCall(hostCall, `${at}.hostCalls[${j}]`, source));
  const response = call.response;
  if (!isObject(response) || typeof response.status !== 'number' || !isObject(response.headers)) throw invalid(source, `${at}.response has no status and headers`);
  if (response.body_b64 !== null && typeof response.body_b64 !== 'string') throw invalid(source, `${at}.response.body_b64 is not a string or null`);
  if (response.error !== null && typeof response.error !== 'string') throw invalid(source, `${at}.response.error is not a string or null`);
}

function checkHostCall(call: unknown, at: string, source: string): void {
  if (!isObject(call) || typeof call.interface !== 'string' || typeof call.function !== 'string') throw invalid(source, `${at} has no interface and function`);
  if (call.outcome !== 'ok' && call.outcome !== 'err' && call.outcome !== 'trap') throw invalid(source, `${at}.outcome is not "ok", "err" or "trap"`);
  if (call.outcome !== 'ok' && typeof call.error !== 'string') throw invalid(source, `${at}.error is not a string`);
  if (!Array.isArray(call.args) || !isCassetteValue(call.args)) throw invalid(source, `${at}.args is not a list of cassette values`);
  if (call.result !== undefined && !isCassetteValue(call.result)) throw invalid(source, `${at}.result is not a cassette value`);
}

function invalid(source: string, why: string): EmulatorError {
  return new EmulatorError('CASSETTE_INVALID', `Failed to read ${source}: ${why}. Fix: pass a file emu.record() wrote, unedited.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
