// `GET /api/ext-debug/stream?extensionId=&tenantId=&installId=&requestId=` (spec 02): the
// extension's debug events as SSE, fed in-process by the Runner's DebugEventHub. Access as in
// production's route: extensionId required, a signed-in user of that tenant with extension:read.
import type { Request, Response } from 'express';
import type { Authenticator } from '../../gateway/sessions.ts';
import { PERMISSIONS } from '../../registry/identity.ts';
import type { DebugEventFilter, DebugEventHub } from '../../debug/debug-event-hub.ts';
import type { SseStreams } from './sse.ts';

export interface DebugStreamDeps {
  hub: DebugEventHub;
  auth: Authenticator;
  streams: SseStreams;
  /** Registry id of a slug or id (events carry registry ids); unknown refs pass through. */
  resolveExtension: (ref: string) => string;
}

export type DebugStreamAccess =
  | { ok: true; filter: DebugEventFilter }
  | { ok: false; status: 400 | 401 | 403; body: { error: string } };

/** The checks in production's order, then the hub filter. */
export function debugStreamAccess(query: Record<string, unknown>, credentials: { cookie?: string; authorization?: string }, deps: Pick<DebugStreamDeps, 'auth' | 'resolveExtension'>): DebugStreamAccess {
  const param = (name: string) => (typeof query[name] === 'string' && query[name] !== '' ? (query[name] as string) : undefined);
  const extensionId = param('extensionId');
  if (!extensionId) return { ok: false, status: 400, body: { error: 'extensionId is required' } };
  const auth = deps.auth.authenticate(credentials);
  if (!auth.ok) return { ok: false, status: 401, body: { error: 'Unauthorized' } };
  const tenantId = param('tenantId') ?? auth.principal.tenantId;
  if (tenantId !== auth.principal.tenantId || auth.principal.user.tenantId !== tenantId) return { ok: false, status: 401, body: { error: 'Unauthorized' } };
  if (!auth.principal.user.permissions.includes(PERMISSIONS.read)) return { ok: false, status: 403, body: { error: 'Forbidden' } };
  const filter: DebugEventFilter = { extension_id: deps.resolveExtension(extensionId), tenant_id: tenantId };
  const installId = param('installId');
  const requestId = param('requestId');
  if (installId) filter.install_id = installId;
  if (requestId) filter.request_id = requestId;
  return { ok: true, filter };
}

export function debugStreamHandler(deps: DebugStreamDeps): (req: Request, res: Response) => void {
  return (req, res) => {
    const access = debugStreamAccess(req.query as Record<string, unknown>, { cookie: req.get('cookie'), authorization: req.get('authorization') }, deps);
    if (!access.ok) {
      res.status(access.status).json(access.body);
      return;
    }
    let unsubscribe = () => {};
    const stream = deps.streams.open(req, res, () => unsubscribe());
    // Replay, then follow: both run synchronously, so no event falls between them.
    for (const event of deps.hub.recent(access.filter)) stream.send(event);
    unsubscribe = deps.hub.subscribe(access.filter, (event) => stream.send(event));
  };
}
