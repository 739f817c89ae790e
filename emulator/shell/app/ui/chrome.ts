// The page chrome: top bar (portal, tenant, user, theme, legacy bootstrap) and the sidebar menu.
import { menuFor, portalsFor } from '../lib/menu.ts';
import { PSA_PATH, extensionPath } from '../lib/routes.ts';
import type { Portal, ShellState } from '../lib/state-types.ts';
import { THEME_MODES, type ThemeMode } from '../lib/theme.ts';
import { h } from './dom.ts';

export interface ChromeHandlers {
  portal(portal: Portal): void;
  tenant(tenantId: string): void;
  user(userId: string | null): void;
  theme(mode: ThemeMode): void;
  legacyBootstrap(on: boolean): void;
  navigate(path: string): void;
}

export interface ChromeView {
  state: ShellState;
  portal: Portal;
  theme: ThemeMode;
  legacyBootstrap: boolean;
  activeRegistryId: string | null;
  /** Whether the PSA data view is shown. */
  psaActive: boolean;
}

const THEME_LABELS: Record<ThemeMode, string> = { light: 'Light', dark: 'Dark', none: 'No theme (docker mode)' };
export const PORTAL_LABELS: Record<Portal, string> = { msp: 'MSP portal', 'client-portal': 'Client portal' };

export function topBar(view: ChromeView, on: ChromeHandlers): HTMLElement {
  const { state } = view;
  const allowed = portalsFor(state.principal);
  const portals = h('div', { class: 'portal-switch', role: 'group', 'aria-label': 'Portal' },
    ...(['msp', 'client-portal'] as const).map((p) => h('button', {
      type: 'button',
      'data-testid': `portal-${p}`,
      'aria-pressed': String(view.portal === p),
      disabled: !allowed.includes(p),
      title: allowed.includes(p) ? undefined : 'client-portal users cannot open the MSP portal',
      onclick: () => on.portal(p),
    }, PORTAL_LABELS[p])));
  const tenant = h('select', { 'data-testid': 'tenant-select', onchange: (e) => on.tenant((e.target as HTMLSelectElement).value) },
    ...state.tenants.map((t) => h('option', { value: t.id, selected: t.id === state.tenantId }, `${t.name} (${t.id})`)));
  const user = h('select', { 'data-testid': 'user-select', onchange: (e) => on.user((e.target as HTMLSelectElement).value || null) },
    h('option', { value: '', selected: state.principal === null }, '— not signed in —'),
    ...state.users.map((u) => h('option', { value: u.id, selected: u.id === state.principal?.id }, `${u.name} · ${u.email} · ${u.role}`)));
  const theme = h('select', { 'data-testid': 'theme-select', onchange: (e) => on.theme((e.target as HTMLSelectElement).value as ThemeMode) },
    ...THEME_MODES.map((m) => h('option', { value: m, selected: m === view.theme }, THEME_LABELS[m])));
  const bootstrap = h('input', { type: 'checkbox', 'data-testid': 'bootstrap-toggle', checked: view.legacyBootstrap, onchange: (e) => on.legacyBootstrap((e.target as HTMLInputElement).checked) });
  return h('header', { class: 'top-bar' },
    h('a', { class: 'brand', href: '/', onclick: link(on, '/') }, 'Alga PSA extension emulator'),
    portals,
    h('label', {}, 'Tenant ', tenant),
    h('label', {}, 'User ', user),
    h('label', {}, 'Theme ', theme),
    h('label', { title: 'Send the legacy bootstrap message (session token, theme, path) after ready; production hosts do not.' }, bootstrap, ' Legacy bootstrap'));
}

export function sideBar(view: ChromeView, on: ChromeHandlers): HTMLElement {
  const entries = menuFor(view.portal, view.state.extensions);
  const hook = view.portal === 'msp' ? 'ui.hooks.appMenu.label' : 'ui.hooks.clientPortalMenu.label';
  const list = entries.length === 0
    ? h('p', { class: 'empty', 'data-testid': 'menu-empty' },
      view.state.extensions.length === 0 ? 'No extensions installed.' : `No installed extension has ${hook}, so the ${PORTAL_LABELS[view.portal]} shows none.`)
    : h('ul', { 'data-testid': 'extension-menu' }, ...entries.map((e) => {
      const path = extensionPath(view.portal, e.registryId);
      return h('li', {}, h('a', { href: path, 'data-testid': 'menu-entry', 'aria-current': e.registryId === view.activeRegistryId ? 'page' : undefined, onclick: link(on, path) }, e.label));
    }));
  // The PSA data view is the MSP back office: client-portal users do not get the entry.
  const psa = view.state.principal?.userType === 'client'
    ? null
    : h('a', { href: PSA_PATH, 'data-testid': 'nav-psa', 'aria-current': view.psaActive ? 'page' : undefined, onclick: link(on, PSA_PATH) }, 'PSA data');
  return h('aside', { class: 'side-bar', 'aria-label': 'Extensions' }, h('h2', {}, PORTAL_LABELS[view.portal]),
    h('nav', { class: 'side-links' }, h('a', { href: '/', onclick: link(on, '/') }, 'Overview'), psa), list);
}

function link(on: ChromeHandlers, path: string): (event: Event) => void {
  return (event) => {
    const mouse = event as MouseEvent;
    if (mouse.ctrlKey || mouse.metaKey || mouse.shiftKey || mouse.button > 0) return;
    event.preventDefault();
    on.navigate(path);
  };
}
