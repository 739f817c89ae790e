// The sign-in secret at the shell's door (see host/bind-policy.ts). When the policy asks for one:
// every `/api/emulator/*` route of the shell answers 401 without it, and a shell page opened with
// `?signin_secret=` turns a right secret into an HttpOnly cookie and redirects to the clean URL.
// Pages, assets, the Gateway, the debug stream and the publish API are not gated here: they need a
// session (made only by the gated sign-in), a dev token or an API key.
import type { NextFunction, Request, Response } from 'express';
import { errorResponse } from '../../errors.ts';
import { SIGNIN_SECRET_COOKIE, SIGNIN_SECRET_HEADER, SIGNIN_SECRET_QUERY, checkSigninSecret, type SigninPolicy } from '../../host/bind-policy.ts';
import { readCookie } from './cookies.ts';
import { SHELL_PAGE_ROUTES } from './pages.ts';

/** Paths of the shell's own API; `/api/emulator/metrics` is served before the shell and stays open. */
const GATED_PREFIX = '/api/emulator/';

export function signinCookie(secret: string): string {
  return `${SIGNIN_SECRET_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
}

export function signinGate(policy: SigninPolicy): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (!policy.required) {
      next();
      return;
    }
    const fromQuery = req.query[SIGNIN_SECRET_QUERY];
    if (req.method === 'GET' && fromQuery !== undefined && isShellPage(req.path)) {
      const check = checkSigninSecret(policy, typeof fromQuery === 'string' ? fromQuery : undefined);
      if (!check.ok) {
        refuse(res, check.error);
        return;
      }
      res.setHeader('set-cookie', signinCookie(typeof fromQuery === 'string' ? fromQuery : ''));
      res.setHeader('cache-control', 'no-store');
      res.redirect(303, withoutSecret(req.originalUrl));
      return;
    }
    if (!req.path.startsWith(GATED_PREFIX)) {
      next();
      return;
    }
    const header = req.get(SIGNIN_SECRET_HEADER);
    const check = checkSigninSecret(policy, header !== undefined ? header.trim() : readCookie(req.get('cookie'), SIGNIN_SECRET_COOKIE));
    if (!check.ok) {
      refuse(res, check.error);
      return;
    }
    next();
  };
}

function refuse(res: Response, error: Parameters<typeof errorResponse>[0]): void {
  const { status, body } = errorResponse(error);
  res.setHeader('cache-control', 'no-store');
  res.status(status).json(body);
}

const PAGE_PATTERNS = SHELL_PAGE_ROUTES.map((route) => new RegExp(`^${route.replace(/:[A-Za-z]+/g, '[^/]+')}$`));

function isShellPage(path: string): boolean {
  return PAGE_PATTERNS.some((p) => p.test(path));
}

/** The same path and query without the secret, so it leaves the address bar. */
function withoutSecret(originalUrl: string): string {
  const url = new URL(originalUrl, 'http://emulator.invalid');
  url.searchParams.delete(SIGNIN_SECRET_QUERY);
  return `${url.pathname}${url.search}`;
}
