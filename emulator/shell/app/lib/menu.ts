// Menu entries from manifest UI hooks (spec 05): `ui.hooks.appMenu.label` for the MSP portal,
// `ui.hooks.clientPortalMenu.label` for the client portal.
import type { Portal, ShellExtension, ShellUser } from './state-types.ts';

/** The labels of a version's `ui` section; anything missing or not a non-empty string is null. */
export function menuLabels(ui: unknown): { msp: string | null; clientPortal: string | null } {
  const hooks = record(record(ui)?.hooks);
  return { msp: label(hooks?.appMenu), clientPortal: label(hooks?.clientPortalMenu) };
}

/** `ui.entry` when it is a string. */
export function uiEntry(ui: unknown): string | null {
  const entry = record(ui)?.entry;
  return typeof entry === 'string' && entry !== '' ? entry : null;
}

function label(hook: unknown): string | null {
  const value = record(hook)?.label;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export interface MenuEntry {
  registryId: string;
  label: string;
}

/** The portal's menu: extensions with that portal's label, by label then registry id. */
export function menuFor(portal: Portal, extensions: readonly ShellExtension[]): MenuEntry[] {
  return extensions
    .flatMap((e) => {
      const text = portal === 'msp' ? e.menus.msp : e.menus.clientPortal;
      return text === null ? [] : [{ registryId: e.registryId, label: text }];
    })
    .sort((a, b) => a.label.localeCompare(b.label) || a.registryId.localeCompare(b.registryId));
}

/** Portals a user may open: a client-portal user only the client portal; MSP users both (preview). */
export function portalsFor(user: ShellUser | null): Portal[] {
  return user?.userType === 'client' ? ['client-portal'] : ['msp', 'client-portal'];
}

/** The portal to show for a user: the requested one when allowed, else the user's own. */
export function effectivePortal(requested: Portal, user: ShellUser | null): Portal {
  return portalsFor(user).includes(requested) ? requested : 'client-portal';
}
