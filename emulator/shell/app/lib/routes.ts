// The shell's routes: `/`, `/msp/extensions/{registryId}`, `/client-portal/extensions/{registryId}`.
import type { Portal } from './state-types.ts';

export type ShellRoute =
  | { view: 'home' }
  | { view: 'extension'; portal: Portal; registryId: string }
  | { view: 'not-found'; path: string };

const EXTENSION = /^\/(msp|client-portal)\/extensions\/([^/]+)\/?$/;

export function parseShellPath(pathname: string): ShellRoute {
  if (pathname === '/' || pathname === '') return { view: 'home' };
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
