import type { GatewayRoute } from './runner-request.ts';

/** What the Gateway answers; the router writes it as is. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Header with the reason and the fix for a Gateway refusal. Bodies stay production's exactly
 * (`{"error":"forbidden"}`), so the explanation travels beside them.
 */
export const HINT_HEADER = 'x-emulator-hint';

export const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
  'access-control-allow-headers': 'content-type,x-request-id,x-idempotency-key',
  'access-control-max-age': '180',
} as const;

/** Headers every answer carries: the request id, and on `/api/ext` the CORS echo of `Origin`. */
export function baseHeaders(route: GatewayRoute, requestId: string, origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (route !== 'ext') return headers;
  headers.vary = 'Origin';
  if (origin) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-credentials'] = 'true';
  }
  return headers;
}

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string>, hint?: string): GatewayResponse {
  return {
    status,
    headers: { ...headers, 'content-type': 'application/json', ...(hint ? { [HINT_HEADER]: headerSafe(hint) } : {}) },
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  };
}

/** Header values must be Latin-1 without control characters; hints may quote user input. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
