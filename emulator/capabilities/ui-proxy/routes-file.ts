/**
 * UI_PROXY_ROUTES_FILE: local ui-proxy routes for `npm run emulate`, as JSON. Each key is a route
 * path (`:name` segments allowed), each value a canned answer:
 *
 *   { "/api/tickets": { "json": [{ "id": "T-1" }] },
 *     "/api/tickets/:id": { "status": 404 },
 *     "/report": { "status": 200, "body": "a,b\n1,2\n", "headers": { "content-type": "text/csv" } } }
 *
 * `status` defaults to 200; `json` (any JSON value) or `body` (text) is the body; `headers` optional.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmulatorError } from '../../errors.ts';
import type { UiProxyBackend } from './local-backend.ts';

interface CannedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Reads the file and registers its routes on `backend`; throws CONFIG_INVALID naming the entry at fault. */
export function loadRoutesFile(file: string, backend: UiProxyBackend): void {
  const path = resolve(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(path, `it could not be read as JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(parsed)) throw invalid(path, 'it is not a JSON object of route → answer');
  for (const [route, spec] of Object.entries(parsed)) {
    const answer = cannedAnswer(path, route, spec);
    backend.route(route, () => new Response(answer.body ?? null, { status: answer.status, headers: answer.headers }));
  }
}

function cannedAnswer(path: string, route: string, spec: unknown): CannedAnswer {
  if (!isRecord(spec)) throw invalid(path, `the answer of "${route}" is not an object`);
  const unknown = Object.keys(spec).filter((k) => !['status', 'json', 'body', 'headers'].includes(k));
  if (unknown.length > 0) throw invalid(path, `the answer of "${route}" has unknown field(s) ${unknown.join(', ')}`);
  const status = spec.status ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw invalid(path, `the status of "${route}" must be an integer from 200 to 599, got ${JSON.stringify(status)}`);
  }
  if ('json' in spec && 'body' in spec) throw invalid(path, `"${route}" has both json and body; keep one`);
  if (spec.body !== undefined && typeof spec.body !== 'string') throw invalid(path, `the body of "${route}" must be a string`);
  const headers = spec.headers ?? {};
  if (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw invalid(path, `the headers of "${route}" must be an object of strings`);
  }
  const json = 'json' in spec;
  return {
    status,
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...(headers as Record<string, string>) },
    body: json ? JSON.stringify(spec.json) : spec.body,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, why: string): EmulatorError {
  return new EmulatorError('CONFIG_INVALID', `Failed to load UI_PROXY_ROUTES_FILE ${path}: ${why}. Fix the file (see "ui-proxy local routes" in emulator/README.md) or unset UI_PROXY_ROUTES_FILE.`);
}
