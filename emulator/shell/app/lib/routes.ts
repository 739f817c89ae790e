// The shell's routes: `/`, `/psa` (the tenant's PSA data), `/msp/extensions/{registryId}`,
// `/client-portal/extensions/{registryId}`.
import type { Portal } from './state-types.ts';

export type ShellRoute =
  | { view: 'home' }
  | { view: 'psa' }
  | { view: 'extension'; portal: Portal; registryId: string }
  | { view: 'not-found'; path: string };

/** The PSA data view (clients, services, invoices, schedules of the signed-in user's tenant). */
export const PSA_PATH = '/psa';

const EXTENSION = /^\/(msp|client-portal)\/extensions\/([^/]+)\/?$/;

export function parseShellPath(pathname: string): ShellRoute {
  if (pathname === '/' || pathname === '') return { view: 'home' };
  if (pathname === PSA_PATH || pathname === `${PSA_PATH}/`) return { view: 'psa' };
  const match = EXTENSION.exec(pathname);
  if (!match) return { view: 'not-found', path: pathname };
  let registryId: string;
  try {
    registryId = decodeURIComponent(match[2] ?? '');
  } catch {
    return { view: 'not-found', path: pathname };
  }
  return { view: 'extension', portal: match[1] as Portal, registryId };
}

export function extensionPath(portal: Portal, registryId: string): string {
  return `/${portal}/extensions/${encodeURIComponent(registryId)}`;
}
