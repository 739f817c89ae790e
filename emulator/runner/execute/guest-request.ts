import { executeFailed } from '../../errors.ts';
import type { InvocationScope, InvocationUser } from '../../contracts/invocation.ts';
import type { GuestRequest } from '../engine/worker-pool.ts';
import type { ExecuteBody } from './request-body.ts';

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What the guest's `handler` receives (spec 02, "What the guest receives"). */
export function toGuestRequest(scope: InvocationScope, http: ExecuteBody['http']): GuestRequest {
  return {
    context: {
      requestId: scope.requestId,
      tenantId: scope.tenantId,
      extensionId: scope.extensionId,
      installId: scope.installId,
      versionId: scope.versionId,
    },
    http: {
      method: http.method,
      url: buildUrl(http.path, http.query ?? undefined),
      headers: Object.entries(http.headers ?? {}).map(([name, value]) => ({ name, value })),
      body: decodeBody(http.body_b64),
    },
  };
}

/** `path` + `?` + form-urlencoded query (`&` when the path already has a `?`). */
export function buildUrl(path: string, query: Record<string, string> | undefined): string {
  const encoded = new URLSearchParams(query ?? {}).toString();
  if (encoded === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${encoded}`;
}

/** absent/null → none, "" → empty bytes, else strict base64. */
export function decodeBody(b64: string | null | undefined): Uint8Array | undefined {
  if (b64 === undefined || b64 === null) return undefined;
  if (!STRICT_BASE64.test(b64) || b64.length % 4 !== 0) {
    throw executeFailed('invalid body base64: expected standard padded base64');
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function toInvocationUser(user: ExecuteBody['user']): InvocationUser | undefined {
  if (!user) return undefined;
  return {
    userId: user.user_id,
    userEmail: user.user_email,
    userName: user.user_name,
    userType: user.user_type,
    clientName: user.client_name ?? user.company_name ?? undefined,
    clientId: user.client_id ?? undefined,
    additionalFields: { ...(user.additional_fields ?? {}) },
  };
}
