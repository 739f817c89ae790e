// The shell page: a stand-in for the Alga PSA host app. State comes from /api/emulator/state;
// each extension route shows one ExtensionFrame; the developer panel stays mounted throughout.
import { extensionProblem, findExtension } from './lib/extension-route.ts';
import { effectivePortal, portalsFor } from './lib/menu.ts';
import { gatewayRefusal, type GatewayCallEntry } from './lib/message-log.ts';
import { extensionPath, parseShellPath } from './lib/routes.ts';
import type { Portal, ShellState } from './lib/state-types.ts';
import { LIGHT_THEME, THEME_STORAGE_KEY, parseThemeMode, themeFor, type ThemeMode } from './lib/theme.ts';
import { SIGNIN_SECRET_CODES } from './lib/signin.ts';
import { ApiError, fetchPsa, fetchState, signIn, signOut } from './ui/api.ts';
import { PORTAL_LABELS, sideBar, topBar, type ChromeHandlers } from './ui/chrome.ts';
import { AutomationRecorder } from './ui/automation.ts';
import { DevPanel } from './ui/dev-panel.ts';
import { h, replace } from './ui/dom.ts';
import { ExtensionFrame } from './ui/extension-frame.ts';
import { psaMessage, psaView } from './ui/psa-view.ts';
import { homeView, problemView, signinSecretView } from './ui/views.ts';

const STORE = { portal: 'alga-shell:portal', theme: THEME_STORAGE_KEY, bootstrap: 'alga-shell:legacy-bootstrap' };

type ShellEvent =
  | { type: 'reload'; registryId: string; contentHash: string }
  | { type: 'fast-path'; registryId: string; sourceHash: string }
  | { type: 'verdict'; registryId: string; ok: boolean; message: string }
  | { type: 'build-error'; registryId: string; message: string };

class ShellApp {
  readonly #header = h('div', { class: 'header-slot' });
  readonly #side = h('div', { class: 'side-slot' });
  readonly #mainTop = h('div', { class: 'main-top' });
  readonly #frameSlot = h('div', { class: 'frame-slot' });
  readonly #panel = new DevPanel();
  /** Every frame's messages go through here to the panel; tests read them as `window.__algaShell`. */
  readonly #recorder = new AutomationRecorder(this.#panel);
  #state: ShellState | null = null;
  #portal: Portal = localStorage.getItem(STORE.portal) === 'client-portal' ? 'client-portal' : 'msp';
  #theme: ThemeMode = parseThemeMode(localStorage.getItem(STORE.theme));
  #legacyBootstrap = localStorage.getItem(STORE.bootstrap) === 'true';
  #requestedTenant: string | undefined;
  #frame: { key: string; frame: ExtensionFrame; registryId: string } | null = null;
  /** The open frame's latest Gateway call when it was refused with a hint (cleared by a later call and by a new frame). */
  #refusal: string | null = null;
  readonly #buildErrors = new Map<string, string>();
  /** Extensions whose saved handler answers through the dev loop's fast path until its component is built. */
  readonly #fastPaths = new Map<string, string>();
  /** The last fast-path verdict per extension: its calls replayed against the component built from its source. */
  readonly #verdicts = new Map<string, { ok: boolean; message: string }>();
  /** Counts PSA view loads, so a slow answer never replaces a newer view. */
  #psaLoad = 0;

  readonly #on: ChromeHandlers = {
    portal: (portal) => this.#switchPortal(portal),
    tenant: (tenantId) => void this.#act(() => this.#switchTenant(tenantId)),
    user: (userId) => void this.#act(async () => {
      await (userId === null ? signOut() : signIn(userId));
      await this.#refresh();
      const route = parseShellPath(location.pathname);
      if (route.view === 'extension' && !portalsFor(this.#state?.principal ?? null).includes(route.portal)) this.#navigate('/');
    }),
    theme: (mode) => {
      this.#theme = mode;
      localStorage.setItem(STORE.theme, mode);
      this.#applyShellTheme();
      this.#frame?.frame.setTheme(mode);
      this.#render();
    },
    legacyBootstrap: (on) => {
      this.#legacyBootstrap = on;
      localStorage.setItem(STORE.bootstrap, String(on));
      this.#frame?.frame.setLegacyBootstrap(on);
    },
    navigate: (path) => this.#navigate(path),
  };

  mount(root: HTMLElement): void {
    this.#recorder.install(window);
    replace(root, this.#header, h('div', { class: 'layout' }, this.#side, h('main', { class: 'main', 'data-testid': 'main' }, this.#mainTop, this.#frameSlot)), this.#panel.element);
    this.#applyShellTheme();
    window.addEventListener('popstate', () => this.#render());
    this.#listen();
    void this.#act(() => this.#refresh());
  }

  async #refresh(): Promise<void> {
    this.#state = await fetchState(this.#requestedTenant);
    this.#render();
  }

  async #switchTenant(tenantId: string): Promise<void> {
    if (this.#state?.principal) await signOut();
    const target = await fetchState(tenantId);
    const user = target.users.find((u) => u.permissions.includes('extension:write')) ?? target.users[0];
    if (user) await signIn(user.id);
    this.#requestedTenant = tenantId;
    // The PSA data view shows the new tenant's data; an open extension reloads for the new tenant's
    // user (or says it is not installed there); any other page goes back to the overview.
    const view = parseShellPath(location.pathname).view;
    if (view !== 'home' && view !== 'psa' && view !== 'extension') history.pushState(null, '', '/');
    await this.#refresh();
  }

  #switchPortal(portal: Portal): void {
    this.#portal = portal;
    localStorage.setItem(STORE.portal, portal);
    const route = parseShellPath(location.pathname);
    if (route.view === 'extension' && this.#state) {
      const ext = findExtension(this.#state, route.registryId);
      const label = portal === 'msp' ? ext?.menus.msp : ext?.menus.clientPortal;
      this.#navigate(ext && label ? extensionPath(portal, ext.registryId) : '/');
      return;
    }
    this.#render();
  }

  #navigate(path: string): void {
    if (path !== location.pathname) history.pushState(null, '', path);
    this.#render();
  }

  #render(): void {
    const state = this.#state;
    if (!state) return;
    const route = parseShellPath(location.pathname);
    const portal = route.view === 'extension' ? route.portal : effectivePortal(this.#portal, state.principal);
    const activeRegistryId = route.view === 'extension' ? findExtension(state, route.registryId)?.registryId ?? null : null;
    const chrome = { state, portal, theme: this.#theme, legacyBootstrap: this.#legacyBootstrap, activeRegistryId, psaActive: route.view === 'psa' };
    replace(this.#header, topBar(chrome, this.#on));
    replace(this.#side, sideBar(chrome, this.#on));
    if (route.view === 'home') {
      this.#closeFrame();
      replace(this.#mainTop, homeView(state, (p) => this.#navigate(p)));
    } else if (route.view === 'psa') {
      this.#closeFrame();
      this.#panel.follow(null);
      void this.#renderPsa(state);
    } else if (route.view === 'not-found') {
      this.#closeFrame();
      replace(this.#mainTop, problemView(`Nothing lives at ${route.path}. Extensions open at /msp/extensions/{registryId} and /client-portal/extensions/{registryId}.`));
    } else {
      this.#renderExtension(state, route.portal, route.registryId);
    }
  }

  async #renderPsa(state: ShellState): Promise<void> {
    const load = ++this.#psaLoad;
    const tenantName = state.tenants.find((t) => t.id === state.tenantId)?.name ?? state.tenantId;
    const current = () => load === this.#psaLoad && parseShellPath(location.pathname).view === 'psa';
    if (!state.principal) {
      replace(this.#mainTop, psaMessage('Not signed in: the PSA data is shown to a signed-in MSP user of the tenant. Pick one in the user menu.'));
      return;
    }
    if (!this.#mainTop.querySelector('[data-testid="psa-view"]')) replace(this.#mainTop, psaMessage('Loading…'));
    try {
      const data = await fetchPsa(state.tenantId);
      if (current()) replace(this.#mainTop, psaView(data, tenantName));
    } catch (err) {
      if (current()) replace(this.#mainTop, psaMessage(`GET /api/emulator/psa failed: ${(err as Error).message}`));
    }
  }

  #renderExtension(state: ShellState, portal: Portal, ref: string): void {
    const problem = extensionProblem(state, portal, ref);
    const ext = findExtension(state, ref);
    if (problem !== null || !ext || ext.contentHash === null) {
      this.#closeFrame();
      replace(this.#mainTop, problemView(problem ?? `Extension ${ref} cannot be shown.`));
      this.#panel.follow(null);
      return;
    }
    // `?path=` picks the extension's start path (its own router reads `?path=` from the iframe URL).
    const clientPath = new URLSearchParams(location.search).get('path') || '/';
    // A new bundle, tenant, portal or signed-in user loads the extension again: nothing it shows
    // (answers, a 401 from before sign-in, a refusal) belongs to the previous principal.
    const key = `${ext.registryId}|${ext.contentHash}|${state.tenantId}|${portal}|${state.principal?.id ?? ''}|${clientPath}`;
    const reload = this.#frame?.key !== key;
    if (reload) this.#refusal = null;
    const label = (portal === 'msp' ? ext.menus.msp : ext.menus.clientPortal) ?? ext.slug;
    const buildError = this.#buildErrors.get(ext.registryId);
    const fastPath = this.#fastPaths.get(ext.registryId);
    const verdict = fastPath ? undefined : this.#verdicts.get(ext.registryId);
    replace(this.#mainTop,
      h('div', { class: 'ext-header' },
        h('h1', { 'data-testid': 'extension-title' }, label),
        h('p', { class: 'muted mono' }, `${PORTAL_LABELS[portal]} · ${ext.slug} ${ext.version} · ${ext.contentHash}`),
        h('button', { type: 'button', 'data-testid': 'reload-frame', onclick: () => this.#frame?.frame.load() }, 'Reload extension')),
      state.principal ? null : h('p', { class: 'notice', 'data-testid': 'not-signed-in' }, 'Not signed in: the extension\'s gateway calls (apiproxy) will answer 401 unauthenticated. Pick a user above.'),
      verdict ? h('pre', { class: verdict.ok ? 'notice' : 'notice error', 'data-testid': 'fast-path-verdict' }, verdict.message) : null,
      fastPath ? h('p', { class: 'notice', 'data-testid': 'fast-path' }, `fast path — not yet verified: the handler answers from its saved source (${fastPath.slice(0, 19)}) while its component builds.`) : null,
      buildError ? h('pre', { class: 'notice error', 'data-testid': 'build-error' }, `Build failed; the iframe still shows the last good bundle.\n${buildError}`) : null,
      h('p', { class: 'notice error', 'data-testid': 'gateway-hint', hidden: this.#refusal === null }, this.#refusal ?? ''));
    if (reload) {
      this.#closeFrame();
      const frame = new ExtensionFrame({
        extensionId: ext.registryId,
        contentHash: ext.contentHash,
        tenantId: state.tenantId,
        publicBase: state.settings.runnerPublicBase,
        theme: this.#theme,
        legacyBootstrap: this.#legacyBootstrap,
        clientPath,
        sink: { message: (entry) => this.#recorder.message(entry), gateway: (entry) => this.#gatewayCall(key, entry) },
      });
      this.#frame = { key, frame, registryId: ext.registryId };
      this.#frameSlot.append(frame.element);
      frame.load();
    }
    this.#panel.follow({ registryId: ext.registryId, tenantId: state.tenantId, principal: state.principal });
  }

  /** Every call goes to the panel; the open frame's latest refused call with a hint shows above it. */
  #gatewayCall(frameKey: string, entry: GatewayCallEntry): void {
    this.#recorder.gateway(entry);
    if (this.#frame?.key !== frameKey) return;
    this.#refusal = gatewayRefusal(entry);
    const notice = this.#mainTop.querySelector<HTMLElement>('[data-testid="gateway-hint"]');
    if (!notice) return;
    notice.textContent = this.#refusal ?? '';
    notice.hidden = this.#refusal === null;
  }

  #closeFrame(): void {
    this.#frame?.frame.dispose();
    this.#frame = null;
    this.#refusal = null;
  }

  #applyShellTheme(): void {
    const palette = themeFor(this.#theme) ?? { ...LIGHT_THEME };
    for (const [name, value] of Object.entries(palette)) document.documentElement.style.setProperty(name, value);
    document.documentElement.dataset.theme = this.#theme;
  }

  /** Live channel: reload an iframe after a rebuild, show a failed build. */
  #listen(): void {
    const events = new EventSource('/api/emulator/events');
    events.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as ShellEvent;
      if (event.type === 'verdict') {
        this.#verdicts.set(event.registryId, { ok: event.ok, message: event.message });
        this.#render();
      } else if (event.type === 'build-error') {
        this.#buildErrors.set(event.registryId, event.message);
        this.#fastPaths.delete(event.registryId); // the emulator went back to the last good component
        this.#render();
      } else {
        this.#buildErrors.delete(event.registryId);
        if (event.type === 'fast-path') {
          this.#fastPaths.set(event.registryId, event.sourceHash);
          this.#verdicts.delete(event.registryId);
        }
        else this.#fastPaths.delete(event.registryId);
        void this.#act(async () => {
          const before = this.#frame?.key;
          await this.#refresh();
          // Same bundle hash as shown (the refresh kept the frame): reload it anyway.
          if (this.#frame && this.#frame.registryId === event.registryId && this.#frame.key === before) this.#frame.frame.load();
        });
      }
    };
  }

  async #act(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.code !== undefined && SIGNIN_SECRET_CODES.includes(err.code)) {
        replace(this.#mainTop, signinSecretView(err.message));
        return;
      }
      replace(this.#mainTop, problemView(`The shell's API failed: ${(err as Error).message}. Is the emulator still running?`));
    }
  }
}

const root = document.getElementById('app');
if (root) new ShellApp().mount(root);
