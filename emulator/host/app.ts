import express, { type NextFunction, type Request, type Response } from 'express';
import { errorResponse, type LogLine } from '../errors.ts';
import type { Gateway } from '../gateway/gateway.ts';
import { gatewayFastPath, gatewayRouter } from '../gateway/router.ts';
import { withFastPath } from '../runner/http/router.ts';
import type { EmulatorMetrics } from '../metrics/emulator-metrics.ts';
import type { Registry } from '../registry/registry.ts';
import { publishApiRouter } from './publish-api.ts';
import { schedulesApiRouter } from './schedules-api.ts';
import type { ScheduleTimer } from '../scheduler/schedule-timer.ts';
import { requestBodyError } from '../request-body-errors.ts';

export interface HostAppDeps {
  registry: Registry;
  /** Text of the root page (URLs, keys) when no shell is given; the shell's router answers `/` first. */
  describe?: () => string;
  /** Serves `/api/ext/*` and `/api/ext-proxy/*` when given. */
  gateway?: Gateway;
  /** The shell page and its routes (`createShellServer(…).router`): `/`, portals, `/runner/*`, SSE. */
  shell?: express.Router;
  /** Serves `GET /api/emulator/metrics` (Prometheus text) when given. */
  metrics?: Pick<EmulatorMetrics, 'prometheus' | 'contentType'>;
  /** Serves `POST /api/emulator/schedules/:id/run` (run now through this scheduler) when given. */
  scheduler?: Pick<ScheduleTimer, 'runNow'>;
  /** Hears unexpected errors (message and stack); clients get 500 INTERNAL without them. Default: none. */
  log?: LogLine;
}

/**
 * The emulator's main port (the host app's role): the publish API, the Gateway (`/api/ext*`) when
 * given, and the shell when given. Built without listening, so tests drive it in-process.
 */
export function createHostApp(deps: HostAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.gateway) {
    // Gateway calls with a plain URL skip Express's dispatch (gatewayFastPath says why).
    withFastPath(app, gatewayFastPath(deps.gateway, { log: deps.log }));
  }
  app.use(publishApiRouter(deps.registry, { log: deps.log }));
  if (deps.gateway) app.use(gatewayRouter(deps.gateway, { log: deps.log }));
  // Before the shell: its sign-in secret gate covers the shell's own /api/emulator/* routes; this
  // one needs an API key instead, as the publish API does (README: "Binding to another address").
  if (deps.scheduler) app.use(schedulesApiRouter(deps.registry, deps.scheduler, { log: deps.log }));
  const metrics = deps.metrics;
  if (metrics) {
    app.get('/api/emulator/metrics', async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.prometheus());
    });
  }
  if (deps.shell) app.use(deps.shell);
  app.get('/', (_req, res) => {
    res.type('text/plain').send(deps.describe?.() ?? 'Alga PSA extension emulator: publish API at /api/ext-bundles/* and /api/v1/extensions/*\n');
  });
  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path} on the emulator's main port`, code: 'NOT_FOUND' });
  });
  // The last word on any error a router passed on: never Express's default page, which shows the
  // stack (with this machine's paths) outside production mode.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const decoded = requestBodyError(err, { route: `${req.method} ${req.path}`, limitBytes: bodyLimitOf(err), fix: 'Fix: send a smaller body.' });
    const { status, body } = errorResponse(decoded, { log: deps.log, where: `${req.method} ${req.path}` });
    // A route may have set its own type before it failed; the error body is JSON.
    res.removeHeader('content-type');
    res.status(status).json(body);
  });
  return app;
}

/** The limit body-parser reports on its 413 (`limit`), else 0 (the message then is not used). */
function bodyLimitOf(err: unknown): number {
  const limit = (err as { limit?: unknown } | null)?.limit;
  return typeof limit === 'number' ? limit : 0;
}
