// schedule-board: creates, lists and deletes schedules of this install with the scheduler host
// interface; the schedules call POST /tick, which counts its runs in storage. Built with esbuild
// and componentize-js into dist/main.wasm; the iframe UI is ui-src/main.ts.
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import { logInfo } from 'alga:extension/logging';
import { createSchedule, deleteSchedule, getEndpoints, listSchedules, type ScheduleInfo } from 'alga:extension/scheduler';
import * as storage from 'alga:extension/storage';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TICKS = { namespace: 'schedule-board', key: 'ticks' };

interface Ticks {
  runs: number;
  lastPayload: unknown;
}

function payloadOf(err: unknown): string {
  return String((err as { payload?: unknown })?.payload ?? err);
}

/** HTTP status of a scheduler error: the WIT case of a read, or the `error` text of a write. */
function statusOf(error: string): number {
  if (error === 'validation-failed' || error === 'ValidationFailed') return 400;
  if (error === 'not-found' || error === 'NotFound') return 404;
  if (error === 'quota-exceeded' || error === 'QuotaExceeded') return 429;
  if (error === 'denied' || error.startsWith('Permission denied')) return 403;
  return 500;
}

function bodyJson(request: ExecuteRequest): unknown {
  const text = decoder.decode(request.http.body ?? new Uint8Array());
  if (text.trim() === '') return {};
  return JSON.parse(text);
}

/** A schedule as JSON: every field present (null when unset). */
function scheduleJson(s: ScheduleInfo): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name ?? null,
    endpoint: `${s.endpointMethod} ${s.endpointPath}`,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    payload: s.payload ?? null,
    lastRunAt: s.lastRunAt ?? null,
    lastRunStatus: s.lastRunStatus ?? null,
    lastError: s.lastError ?? null,
  };
}

/** `GET /endpoints`: this extension's endpoints and whether a schedule may call them. */
function endpoints(): ExecuteResponse {
  try {
    return jsonResponse({ endpoints: getEndpoints().map((e) => ({ method: e.method, path: e.path, schedulable: e.schedulable })) });
  } catch (err) {
    return jsonResponse({ error: payloadOf(err) }, { status: statusOf(payloadOf(err)) });
  }
}

/** `GET /schedules`: the install's schedules with their last run. */
function schedules(): ExecuteResponse {
  try {
    return jsonResponse({ schedules: listSchedules().map(scheduleJson) });
  } catch (err) {
    return jsonResponse({ error: payloadOf(err) }, { status: statusOf(payloadOf(err)) });
  }
}

/** `POST /schedules` `{ cron, name?, timezone?, endpoint? (default "POST /tick"), payload? }`. */
function create(request: ExecuteRequest): ExecuteResponse {
  let body: Record<string, unknown>;
  try {
    body = bodyJson(request) as Record<string, unknown>;
  } catch {
    return jsonResponse({ error: 'invalid_json' }, { status: 400 });
  }
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const payload = body.payload === undefined ? undefined : JSON.stringify(body.payload);
  const result = createSchedule({
    endpoint: text(body.endpoint) ?? 'POST /tick',
    cron: text(body.cron) ?? '',
    timezone: text(body.timezone),
    name: text(body.name),
    enabled: typeof body.enabled === 'boolean' ? body.enabled : undefined,
    payload,
  });
  if (!result.success) {
    const fieldErrors = result.fieldErrors ? (JSON.parse(result.fieldErrors) as Record<string, string>) : null;
    return jsonResponse({ error: result.error ?? 'unknown', fieldErrors }, { status: statusOf(result.error ?? '') });
  }
  logInfo(`schedule ${result.scheduleId} created`);
  return jsonResponse({ scheduleId: result.scheduleId }, { status: 201 });
}

/** `DELETE /schedules/:id`. */
function remove(id: string): ExecuteResponse {
  const result = deleteSchedule(id);
  if (!result.success) return jsonResponse({ error: result.error ?? 'unknown' }, { status: statusOf(result.error ?? '') });
  return jsonResponse({ deleted: id });
}

function readTicks(): { ticks: Ticks; revision: bigint | undefined } {
  try {
    const entry = storage.get(TICKS.namespace, TICKS.key);
    return { ticks: JSON.parse(decoder.decode(entry.value)) as Ticks, revision: entry.revision };
  } catch (err) {
    if (payloadOf(err) !== 'missing') throw err;
    return { ticks: { runs: 0, lastPayload: null }, revision: undefined };
  }
}

/** `POST /tick`: what the schedules call; counts runs (storage compare-and-swap) and keeps the payload. */
function tick(request: ExecuteRequest): ExecuteResponse {
  let payload: unknown = null;
  try {
    payload = bodyJson(request);
  } catch {
    // Not JSON: count the run anyway.
  }
  for (;;) {
    const { ticks, revision } = readTicks();
    const next: Ticks = { runs: ticks.runs + 1, lastPayload: payload };
    try {
      storage.put({ ...TICKS, value: encoder.encode(JSON.stringify(next)), revision });
      logInfo(`tick ${next.runs}`);
      return jsonResponse(next);
    } catch (err) {
      if (payloadOf(err) !== 'conflict') throw err;
    }
  }
}

export async function handler(request: ExecuteRequest): Promise<ExecuteResponse> {
  const path = new URL(request.http.url, 'http://extension.local').pathname;
  const route = `${request.http.method.toUpperCase()} ${path}`;
  if (route === 'GET /endpoints') return endpoints();
  if (route === 'GET /schedules') return schedules();
  if (route === 'POST /schedules') return create(request);
  if (route === 'POST /tick') return tick(request);
  if (route === 'GET /ticks') return jsonResponse(readTicks().ticks);
  const del = /^DELETE \/schedules\/([^/]+)$/.exec(route);
  if (del) return remove(decodeURIComponent(del[1] ?? ''));
  return jsonResponse({ error: 'not_found', route }, { status: 404 });
}
