// The main area: the overview at `/` and the messages shown around an extension iframe.
import { extensionPath } from '../lib/routes.ts';
import { SIGNIN_SECRET_QUERY } from '../lib/signin.ts';
import type { Portal, ShellExtension, ShellState } from '../lib/state-types.ts';
import { h } from './dom.ts';

export function homeView(state: ShellState, navigate: (path: string) => void): HTMLElement {
  const tenant = state.tenants.find((t) => t.id === state.tenantId);
  const who = state.principal
    ? h('p', { 'data-testid': 'signed-in-as' }, `Signed in as ${state.principal.name} (${state.principal.email}), ${state.principal.role}`,
      ` in ${tenant?.name ?? state.tenantId}. Permissions: ${state.principal.permissions.join(', ') || 'none'}.`)
    : h('p', { 'data-testid': 'signed-in-as' }, 'Not signed in. Pick a user above: the extensions\' gateway calls (/api/ext-proxy) need a session, as in production.');
  return h('div', { class: 'home', 'data-testid': 'home' },
    h('h1', {}, 'Alga PSA extension emulator'),
    h('p', {}, 'This page plays the host app of Alga PSA: it lists the installed extensions in the MSP portal and the client portal menus, ',
      'opens each one in a sandboxed iframe served by the local Runner, and answers its postMessage bridge (ready, resize, apiproxy, theme) ',
      'exactly as production does. The developer panel below shows every message, every gateway call and the extension\'s live logs.'),
    who,
    h('h2', {}, `Installed extensions (${tenant?.name ?? state.tenantId})`),
    state.extensions.length === 0 ? emptyState(state) : installedTable(state.extensions, navigate),
    settingsList(state),
    h('details', { class: 'parity' }, h('summary', {}, `Parity notes (${state.parityNotes.length}): where the emulator deliberately differs from production`),
      h('ul', {}, ...state.parityNotes.map((n) => h('li', {}, n)))));
}

function emptyState(state: ShellState): HTMLElement {
  return h('div', { class: 'empty-state', 'data-testid': 'empty-state' },
    h('p', {}, 'No extensions installed: run one of these from your extension\'s folder, then reload this page.'),
    h('pre', { 'data-testid': 'empty-commands' }, state.commands.join('\n')));
}

function installedTable(extensions: ShellExtension[], navigate: (path: string) => void): HTMLElement {
  const open = (portal: Portal, e: ShellExtension, label: string | null) => {
    if (label === null) return h('span', { class: 'muted' }, '—');
    const path = extensionPath(portal, e.registryId);
    return h('a', { href: path, onclick: (ev) => { ev.preventDefault(); navigate(path); } }, label);
  };
  return h('table', { class: 'installed', 'data-testid': 'installed' },
    h('thead', {}, h('tr', {}, ...['extension', 'version', 'registry id', 'MSP menu', 'client portal menu'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...extensions.map((e) => h('tr', { 'data-testid': 'installed-row' },
      h('td', {}, e.slug),
      h('td', {}, e.version),
      h('td', { class: 'mono' }, e.registryId),
      h('td', {}, open('msp', e, e.menus.msp)),
      h('td', {}, open('client-portal', e, e.menus.clientPortal))))));
}

function settingsList(state: ShellState): HTMLElement {
  const rows: [string, string][] = [
    ['main port', state.settings.mainUrl],
    ['Runner', state.settings.runnerUrl],
    ['RUNNER_PUBLIC_BASE', state.settings.runnerPublicBase],
    ['signing', state.settings.signingMode],
    ['data folder', state.settings.dataDir],
  ];
  return h('dl', { class: 'settings' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)]));
}

/**
 * The shell's API asks for the sign-in secret (a non-loopback HOST): its message, and a form that
 * reopens this page with `?signin_secret=`, which the server turns into an HttpOnly cookie.
 */
export function signinSecretView(message: string): HTMLElement {
  return h('div', { class: 'problem', 'data-testid': 'signin-secret' },
    h('p', {}, message),
    h('form', { method: 'get', action: location.pathname },
      h('label', {}, 'Sign-in secret (printed by npm run emulate) ', h('input', { type: 'password', name: SIGNIN_SECRET_QUERY, autocomplete: 'off', required: true, 'data-testid': 'signin-secret-input' })),
      ' ',
      h('button', { type: 'submit' }, 'Continue')));
}

export function problemView(text: string): HTMLElement {
  return h('div', { class: 'problem', 'data-testid': 'extension-problem' }, h('p', {}, text), h('p', {}, h('a', { href: '/' }, 'Back to the overview')));
}
