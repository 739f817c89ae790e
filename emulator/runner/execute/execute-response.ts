import type { GuestResponse } from '../engine/worker-pool.ts';

/** The `/v1/execute` answer, always sent with HTTP 200 (key order is part of the contract). */
export interface ExecuteEnvelope {
  status: number;
  headers: Record<string, string>;
  body_b64: string | null;
  error: string | null;
}

export function failure(status: number, error: string): ExecuteEnvelope {
  return { status, headers: {}, body_b64: null, error };
}

/** The seed's response header allowlist (production forwards everything; see parity notes). */
export function isAllowedResponseHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'content-type' || lower === 'cache-control' || lower === 'etag' || lower.startsWith('x-ext-');
}

/** Step 8: headers list → map (last duplicate wins, names kept), body → base64. */
export function successEnvelope(response: GuestResponse, onDropped: (name: string) => void): ExecuteEnvelope {
  const headers: Record<string, string> = {};
  for (const { name, value } of response.headers) {
    if (isAllowedResponseHeader(name)) headers[name] = value;
    else onDropped(name);
  }
  const body = response.body === undefined ? null : Buffer.from(response.body).toString('base64');
  return { status: response.status, headers, body_b64: body, error: null };
}
