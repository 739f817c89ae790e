import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, errorResponse, type LogLine } from '../errors.ts';
import { checkDeclaredSize } from '../registry/publish.ts';
import type { Registry } from '../registry/registry.ts';
import { authorizeApiKey, type ApiKeyCaller } from './api-key-auth.ts';
import { formatBytes, requestBodyError, type BodyLimit } from '../request-body-errors.ts';

/** The cap on the publish API's JSON bodies (finalize, install, uninstall, update). */
export const PUBLISH_JSON_LIMIT_BYTES = 5 * 1024 * 1024;

/** What each JSON route's 413 tells the caller to do instead. */
const JSON_BODY_FIXES: Record<string, string> = {
  '/api/ext-bundles/finalize':
    'Fix: leave manifestJson out (finalize then reads manifest.json from the uploaded archive) or shrink it; the bundle itself goes to /api/ext-bundles/upload-proxy, which takes up to 200 MiB.',
};
const DEFAULT_JSON_FIX = 'Fix: send only the documented fields (registryId, version).';

/**
 * The publish API the official `alga` CLI calls (spec 06), as an Express router. Decodes
 * requests, calls the registry, encodes results; every error goes through `sendError`.
 * `log` hears unexpected errors, which answer 500 INTERNAL.
 */
export function publishApiRouter(registry: Registry, options: { log?: LogLine } = {}): express.Router {
  const router = express.Router();
  const json = express.json({ limit: PUBLISH_JSON_LIMIT_BYTES, type: () => true });

  router.post('/api/ext-bundles/upload-proxy', (req, res, next) => {
    const caller = authorize(registry, req, { admin: true });
    checkDeclaredSize(queryString(req, 'size'), registry.maxBundleBytes);
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > registry.maxBundleBytes) checkDeclaredSize(length, registry.maxBundleBytes);
    res.locals.caller = caller;
    next();
  });
  router.post('/api/ext-bundles/upload-proxy', express.raw({ type: () => true, limit: registry.maxBundleBytes }), async (req, res) => {
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength) : new Uint8Array();
    res.status(200).json(await registry.stageUpload({ bytes, size: queryString(req, 'size'), declaredHash: queryString(req, 'declaredHash') }));
  });

  router.post('/api/ext-bundles/finalize', json, async (req, res) => {
    authorize(registry, req, { admin: true });
    const body = objectBody(req);
    const { signature: _status, warnings: _warnings, ...result } = await registry.finalize({
      key: body.key,
      declaredHash: body.declaredHash,
      size: body.size,
      manifestJson: body.manifestJson,
      signature: isObject(body.signature) ? body.signature : null,
    });
    res.status(200).json(result);
  });

  router.post('/api/v1/extensions/install', json, async (req, res) => {
    const caller = authorize(registry, req);
    const body = objectBody(req);
    const result = await registry.install(caller.tenantId, requiredString(body, 'registryId'), requiredString(body, 'version'));
    res.status(202).json({ data: { ...result, success: true, message: 'Extension installation enqueued' } });
  });

  router.post('/api/v1/extensions/uninstall', json, (req, res) => {
    const caller = authorize(registry, req);
    const { registryId } = registry.uninstall(caller.tenantId, requiredString(objectBody(req), 'registryId'));
    res.status(200).json({ data: { registryId, success: true, message: 'Extension uninstalled' } });
  });

  router.post('/api/v1/extensions/update', json, async (req, res) => {
    const caller = authorize(registry, req);
    const body = objectBody(req);
    const result = await registry.update(caller.tenantId, requiredString(body, 'registryId'), requiredString(body, 'version'), body.disableMissingSchedules === true);
    res.status(200).json({ data: { ...result, success: true, message: 'Extension updated' } });
  });

  router.get('/api/installs/lookup-by-host', async (req, res) => {
    const host = queryString(req, 'host');
    if (!host) throw new EmulatorError('INVALID_QUERY', 'host is required: /api/installs/lookup-by-host?host=<runner domain>');
    const found = await registry.lookupByHost(host);
    if (!found) throw new EmulatorError('NOT_FOUND', `no install is served at host ${host}: no enabled install has that runner domain. Fix: install the extension first, or pass the runner domain its install reports.`);
    res.status(200).json(found);
  });

  router.get('/api/installs/validate', async (req, res) => {
    const [tenant, extension, hash] = ['tenant', 'extension', 'hash'].map((name) => queryString(req, name));
    if (!tenant || !extension || !hash) {
      throw new EmulatorError('INVALID_QUERY', 'tenant, extension and hash are required: /api/installs/validate?tenant=&extension=&hash=');
    }
    res.status(200).json({ valid: await registry.hasActiveBundle(tenant, extension, hash) });
  });

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = errorResponse(fromBodyParser(err, req.path, registry.maxBundleBytes), { log: options.log, where: `${req.method} ${req.path}` });
    res.status(status).json(body);
  });
  return router;
}

function authorize(registry: Registry, req: Request, options: { admin?: boolean } = {}): ApiKeyCaller {
  return authorizeApiKey(registry, (name) => header(req, name), options);
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function objectBody(req: Request): Record<string, unknown> {
  if (!isObject(req.body)) throw new EmulatorError('INVALID_BODY', 'the request body is not a JSON object: this route reads named fields from it. Fix: send a JSON object with content-type application/json.');
  return req.body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EmulatorError('INVALID_BODY', `${name} is missing from the request body: this route needs it. Fix: send ${name} as a non-empty string.`);
  }
  return value.trim();
}

/**
 * body-parser's refusals as catalog errors: on upload-proxy the raw body is the bundle
 * (BUNDLE_TOO_LARGE); on the JSON routes the limit is PUBLISH_JSON_LIMIT_BYTES
 * (REQUEST_BODY_TOO_LARGE, naming the route).
 */
function fromBodyParser(err: unknown, path: string, maxBundleBytes: number): unknown {
  if (path === '/api/ext-bundles/upload-proxy' && (err as { type?: unknown } | null)?.type === 'entity.too.large') {
    return new EmulatorError('BUNDLE_TOO_LARGE', `bundle exceeds the ${formatBytes(maxBundleBytes)} upload limit. Shrink the bundle (drop source maps, large assets).`);
  }
  const limit: BodyLimit = { route: `POST ${path}`, limitBytes: PUBLISH_JSON_LIMIT_BYTES, fix: JSON_BODY_FIXES[path] ?? DEFAULT_JSON_FIX };
  return requestBodyError(err, limit);
}
