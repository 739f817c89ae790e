// The shell page's JSON API: `GET /api/emulator/state`, sign-in and sign-out
// (`POST`/`DELETE /api/emulator/session`), the legacy bootstrap token, and the live channel
// `GET /api/emulator/events`, and the tenant's PSA data `GET /api/emulator/psa`. Decodes requests,
// calls Sessions, buildShellState and buildShellPsa, encodes.
import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, errorResponse } from '../../errors.ts';
import type { Principal, Sessions } from '../../gateway/sessions.ts';
import { SESSION_COOKIE } from '../../gateway/sessions.ts';
import type { PsaStore } from '../../psa/psa-store.ts';
import type { Registry } from '../../registry/registry.ts';
import { requestBodyError } from '../../request-body-errors.ts';
import type { ShellState } from '../app/lib/state-types.ts';
import { clearedSessionCookie, readCookie, sessionCookie } from './cookies.ts';
import type { ShellEvents } from './shell-events.ts';
import { buildShellPsa, psaAccess } from './shell-psa.ts';
import { buildShellState, toShellUser } from './shell-state.ts';
import type { SseStreams } from './sse.ts';

/** How long the legacy `bootstrap` token is announced to live (`expires_at`). */
export const BOOTSTRAP_TOKEN_TTL_MS = 60 * 60 * 1000;

/** The sign-in body is `{"userId": "…"}`; 16 KiB is far more than it needs. */
export const SESSION_BODY_LIMIT_BYTES = 16 * 1024;

export interface ShellApiDeps {
  registry: Registry;
  /** The Runner's PSA store (`runner.psa`). */
  psa: Pick<PsaStore, 'exportFixture'>;
  sessions: Pick<Sessions, 'authenticate' | 'signIn' | 'signOut'>;
  shellEvents: ShellEvents;
  streams: SseStreams;
  defaultTenantId: string;
  /** Settings shown by the shell, without `mainUrl` (taken from the request's Host). */
  settings: Omit<ShellState['settings'], 'mainUrl'>;
  parityNotes: () => string[];
  now?: () => number;
}

export function shellApiRouter(deps: ShellApiDeps): express.Router {
  const router = express.Router();
  const now = deps.now ?? Date.now;
  const principalOf = (req: Request): Principal | null => {
    const auth = deps.sessions.authenticate({ cookie: req.get('cookie'), authorization: req.get('authorization') });
    return auth.ok ? auth.principal : null;
  };

  router.get('/api/emulator/state', (req, res) => {
    const tenant = typeof req.query.tenantId === 'string' ? req.query.tenantId : undefined;
    res.setHeader('cache-control', 'no-store');
    res.json(buildShellState({
      registry: deps.registry,
      principal: principalOf(req)?.user ?? null,
      requestedTenantId: tenant,
      defaultTenantId: deps.defaultTenantId,
      settings: { ...deps.settings, mainUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}` },
      parityNotes: deps.parityNotes(),
    }));
  });

  router.get('/api/emulator/psa', (req, res) => {
    const access = psaAccess(principalOf(req), typeof req.query.tenant === 'string' && req.query.tenant !== '' ? req.query.tenant : undefined);
    res.setHeader('cache-control', 'no-store');
    if (!access.ok) {
      res.status(access.status).json(access.body);
      return;
    }
    res.json(buildShellPsa({ psa: deps.psa, registry: deps.registry }, access.tenantId));
  });

  router.post('/api/emulator/session', express.json({ limit: SESSION_BODY_LIMIT_BYTES }), (req, res) => {
    const body: unknown = req.body;
    const userId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).userId : undefined;
    if (typeof userId !== 'string' || userId.trim() === '') {
      throw new EmulatorError('INVALID_BODY', 'send {"userId": "<user id>"} with content-type application/json (GET /api/emulator/state lists the users)');
    }
    const token = deps.sessions.signIn(userId.trim());
    const previous = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (previous) deps.sessions.signOut(previous);
    const user = deps.registry.identity.user(userId.trim());
    res.setHeader('set-cookie', sessionCookie(token));
    res.status(200).json({ principal: user ? toShellUser(user) : null });
  });

  router.delete('/api/emulator/session', (req, res) => {
    const token = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (token) deps.sessions.signOut(token);
    res.setHeader('set-cookie', clearedSessionCookie());
    res.status(204).end();
  });

  // Legacy `bootstrap` mode only: a separate session token for the iframe, so the cookie's own
  // token never reaches page scripts.
  router.post('/api/emulator/session/bootstrap-token', (req, res) => {
    const principal = principalOf(req);
    if (!principal) {
      res.status(401).json({ error: 'unauthenticated', code: 'UNAUTHENTICATED', hint: 'sign in with POST /api/emulator/session first' });
      return;
    }
    res.setHeader('cache-control', 'no-store');
    res.json({ token: deps.sessions.signIn(principal.user.id), expires_at: new Date(now() + BOOTSTRAP_TOKEN_TTL_MS).toISOString() });
  });

  router.get('/api/emulator/events', (req, res) => {
    let unsubscribe = () => {};
    const stream = deps.streams.open(req, res, () => unsubscribe());
    unsubscribe = deps.shellEvents.subscribe((event) => stream.send(event));
  });

  router.use('/api/emulator', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const decoded = requestBodyError(err, {
      route: `${req.method} ${req.baseUrl}${req.path}`,
      limitBytes: SESSION_BODY_LIMIT_BYTES,
      fix: 'Fix: send only {"userId": "<user id>"}.',
    });
    if (!(decoded instanceof EmulatorError)) {
      next(err);
      return;
    }
    const { status, body } = errorResponse(decoded);
    res.status(status).json(body);
  });
  return router;
}
