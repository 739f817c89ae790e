// hello-ui's handler: the two routes its iframe UI calls through the host's apiproxy bridge.
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import { getContext } from 'alga:extension/context';
import { logInfo } from 'alga:extension/logging';
import * as storage from 'alga:extension/storage';
import { getUser } from 'alga:extension/user-v2';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VISITS = { namespace: 'hello-ui', key: 'visits' };

/** `GET /greeting`: who is calling, from the user the Gateway put in the envelope. */
function greeting(): ExecuteResponse {
  const context = getContext();
  let name = 'there';
  let kind = 'unknown';
  try {
    const user = getUser();
    name = user.userName;
    kind = user.userType;
  } catch {
    // No user in the envelope (a direct Runner call): greet anonymously.
  }
  return jsonResponse({ message: `Hello, ${name}!`, userType: kind, tenant: context.tenantId });
}

/** `POST /visits`: a per-install counter kept with storage compare-and-swap. */
function countVisit(): ExecuteResponse {
  for (;;) {
    let current: storage.StorageEntry | undefined;
    try {
      current = storage.get(VISITS.namespace, VISITS.key);
    } catch (err) {
      if ((err as { payload?: string }).payload !== 'missing') throw err;
    }
    const visits = current ? Number(decoder.decode(current.value)) + 1 : 1;
    try {
      storage.put({ ...VISITS, value: encoder.encode(String(visits)), revision: current?.revision });
      logInfo(`visit ${visits}`);
      return jsonResponse({ visits });
    } catch (err) {
      if ((err as { payload?: string }).payload !== 'conflict') throw err;
    }
  }
}

export async function handler(request: ExecuteRequest): Promise<ExecuteResponse> {
  const path = new URL(request.http.url, 'http://extension').pathname;
  const route = `${request.http.method.toUpperCase()} ${path}`;
  if (route === 'GET /greeting') return greeting();
  if (route === 'POST /visits') return countVisit();
  return jsonResponse({ error: 'not_found', route }, { status: 404 });
}
