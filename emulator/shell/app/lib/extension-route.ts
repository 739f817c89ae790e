// Whether an extension route (`/msp/extensions/{id}`, `/client-portal/extensions/{id}`) can show
// the extension, and why not. Pure.
import type { Portal, ShellExtension, ShellState } from './state-types.ts';

/** The extension a route names (registry id, or slug for convenience), or undefined. */
export function findExtension(state: Pick<ShellState, 'extensions'>, ref: string): ShellExtension | undefined {
  return state.extensions.find((e) => e.registryId === ref) ?? state.extensions.find((e) => e.slug === ref.toLowerCase());
}

/** Why an extension route cannot show a frame, or null when it can. */
export function extensionProblem(state: ShellState, portal: Portal, registryId: string): string | null {
  const ext = findExtension(state, registryId);
  const tenant = state.tenants.find((t) => t.id === state.tenantId)?.name ?? state.tenantId;
  if (!ext) return `Extension ${registryId} is not installed and enabled for ${tenant}.`;
  if (portal === 'msp' && state.principal?.userType === 'client') return 'Client-portal users cannot open the MSP portal. Open it from the client portal, or sign in as an MSP user.';
  const label = portal === 'msp' ? ext.menus.msp : ext.menus.clientPortal;
  if (label === null) {
    const hook = portal === 'msp' ? 'ui.hooks.appMenu.label' : 'ui.hooks.clientPortalMenu.label';
    return `${ext.slug} has no ${hook} in its manifest, so the ${portal === 'msp' ? 'MSP portal' : 'client portal'} does not show it. Add the label and publish again.`;
  }
  if (ext.contentHash === null) return `${ext.slug} ${ext.version} has no bundle; publish it again.`;
  return null;
}

