// Calls from the page to the shell's own API (same origin, session cookie).
import type { ShellPsaData } from '../lib/psa-types.ts';
import type { ShellState } from '../lib/state-types.ts';

/** A refused call: the status and the body's code (when it has one) besides the message. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string | undefined) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let message = text;
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: string; hint?: string; code?: string };
    message = body.hint ? `${body.error ?? ''}: ${body.hint}` : body.error ?? text;
    code = body.code;
  } catch {
    // not JSON: keep the text
  }
  return new ApiError(`${res.status} ${message}`, res.status, code);
}

export async function fetchState(tenantId?: string): Promise<ShellState> {
  const res = await fetch(`/api/emulator/state${tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : ''}`, { credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as ShellState;
}

/** The signed-in user's tenant's PSA data and schedules (`GET /api/emulator/psa`). */
export async function fetchPsa(tenantId: string): Promise<ShellPsaData> {
  const res = await fetch(`/api/emulator/psa?tenant=${encodeURIComponent(tenantId)}`, { credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as ShellPsaData;
}

export async function signIn(userId: string): Promise<void> {
  const res = await fetch('/api/emulator/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw await failure(res);
}

export async function signOut(): Promise<void> {
  const res = await fetch('/api/emulator/session', { method: 'DELETE', credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
}

/** Legacy bootstrap mode: a session token for the iframe. */
export async function bootstrapToken(): Promise<{ token: string; expires_at: string }> {
  const res = await fetch('/api/emulator/session/bootstrap-token', { method: 'POST', credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as { token: string; expires_at: string };
}
