// The shell page itself: `/`, `/psa`, `/msp/extensions/:registryId`, `/client-portal/extensions/:registryId`
// all answer the built index.html (the page routes itself), and `/shell/*` serves its assets.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';

export const SHELL_PAGE_ROUTES = ['/', '/psa', '/msp/extensions/:registryId', '/client-portal/extensions/:registryId'] as const;
/** Where the built assets are served (Vite's `base`). */
export const SHELL_ASSET_BASE = '/shell/';

/** The shell page's own CSP: its scripts only, and frames from itself or an absolute RUNNER_PUBLIC_BASE. */
export function shellPageCsp(runnerPublicBase: string): string {
  let frames = "'self'";
  try {
    const absolute = new URL(runnerPublicBase);
    if (absolute.protocol === 'http:' || absolute.protocol === 'https:') frames += ` ${absolute.origin}`;
  } catch {
    // A relative base (the default /runner) is served by the main port itself.
  }
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src ${frames}; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'`;
}

export function shellPagesRouter(deps: { distDir: string | null; runnerPublicBase: string }): express.Router {
  const router = express.Router();
  const csp = shellPageCsp(deps.runnerPublicBase);
  for (const route of SHELL_PAGE_ROUTES) {
    router.get(route, async (_req, res) => {
      if (deps.distDir === null) {
        res.status(503).type('text/plain').send('The shell page is not built. Run `npm run build:shell` (needs the vite dev dependency) and restart the emulator.\n');
        return;
      }
      const html = await readFile(join(deps.distDir, 'index.html'));
      res.setHeader('content-security-policy', csp);
      res.setHeader('cache-control', 'no-cache');
      res.type('html').send(html);
    });
  }
  if (deps.distDir !== null) {
    router.use(SHELL_ASSET_BASE, express.static(deps.distDir, { index: false, fallthrough: true, immutable: true, maxAge: '1y' }));
  }
  return router;
}
