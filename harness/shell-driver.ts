// The `shell` fixture: drives the emulator's shell page the way a person would (session API,
// extension routes, theme select, reload button) and waits on the page's own readiness signals
// (`frame-host` data-ready / data-revealed-by, emulator/shell/app/ui/extension-frame.ts).
import type { Locator, Page } from '@playwright/test';
import { THEME_STORAGE_KEY, describeError } from '../emulator/internals.ts';
import type { TestEmulator } from './create-emulator.ts';
import { resolveCaller, resolveTenant, type Caller, type TenantRef } from './identities.ts';
import type { InstallResult } from './install.ts';

/**
 * The shell's two portals: routes `/msp/extensions/{id}` and `/client-portal/extensions/{id}`.
 * @example await shell.open({ extension: 'hello-ui', as: 'client', portal: 'client-portal' });
 */
export type Portal = 'msp' | 'client-portal';
/**
 * `'none'` is docker mode: the host sends no `theme` message at all.
 * @example await shell.open({ extension: 'hello-ui', theme: 'none' });
 */
export type ThemeMode = 'light' | 'dark' | 'none';
/**
 * What `open` waits for: a `ready` message, the iframe shown for any reason (ready, load, 1500 ms), or nothing.
 * @example await shell.open({ extension: 'hello-ui', waitFor: 'ready' });
 */
export type WaitFor = 'ready' | 'revealed' | 'none';

/**
 * What `shell.open` opens, as whom and where.
 * @example await shell.open({ extension: 'hello-ui', as: 'msp-user', tenant: 'second', path: '/settings', theme: 'dark' });
 */
export interface OpenOptions {
  /** A key of `installed` (`'hello-ui'`, `'./my-ext'`), an `InstallResult`, a registry id, a `publisher.name` slug or a name. */
  extension: string | Pick<InstallResult, 'registryId'>;
  /** Who is signed in: `'admin'` (default), `'msp-user'`, `'client'`, `'anonymous'` (signed out) or a user id. */
  as?: Caller;
  /** Default: `'client-portal'` for a client-portal user, else `'msp'`. */
  portal?: Portal;
  /** The user's tenant: `'default'` (default), `'second'` or a tenant id. */
  tenant?: TenantRef;
  /** The extension's start path (the iframe's `?path=`); default `/`. */
  path?: string;
  /** The theme the shell starts with (stored before the page loads); default the page's current choice, `light` in a fresh context. */
  theme?: ThemeMode;
  /** Default `'revealed'`: the iframe is shown (after `ready`, its load event or 1500 ms). */
  waitFor?: WaitFor;
  /** How long to wait for the iframe; default 15000 ms. */
  timeout?: number;
}

/**
 * What `open` opened.
 * @example const { registryId, revealedBy } = await shell.open({ extension: 'hello-ui' }); // revealedBy 'ready'
 */
export interface OpenedExtension {
  registryId: string;
  tenantId: string;
  /** The signed-in user; null for `'anonymous'`. */
  userId: string | null;
  portal: Portal;
  /** What revealed the iframe (`'ready'`, `'load'`, `'timeout'`), or null with `waitFor: 'none'`. */
  revealedBy: 'ready' | 'load' | 'timeout' | null;
}

/**
 * The shell page of the emulator, as a test drives it.
 * @example
 * await shell.open({ extension: 'hello-ui', as: 'client', portal: 'client-portal' });
 * await shell.setTheme('dark');
 * await shell.reloadExtension();
 */
export interface Shell {
  /** The test's page. */
  readonly page: Page;
  /**
   * The `<iframe>` element in the shell page (its height after `resize`, its `src` and `sandbox`).
   * @example await expect(shell.frameElement).toHaveCSS('height', '800px');
   */
  readonly frameElement: Locator;
  /**
   * Signs the page in as a user (session cookie through `POST /api/emulator/session`), opens the
   * extension's route in the portal and waits for its iframe. Rejects with the shell's own
   * explanation when the extension cannot be shown there (no menu label, client user in the MSP portal, …).
   * @example const opened = await shell.open({ extension: installed['./my-ext'], as: 'msp-user', path: '/settings' });
   */
  open(options: OpenOptions): Promise<OpenedExtension>;
  /**
   * Signs the browser context in as a user (or out, with `'anonymous'`) without navigating.
   * @example await shell.signIn('client'); await page.reload();
   */
  signIn(as: Caller, tenant?: TenantRef): Promise<string | null>;
  /**
   * Picks the theme in the shell's top bar; a ready extension gets the new `theme` message at once (none for `'none'`).
   * @example await shell.setTheme('dark'); await expect(bridgeLog).toHaveMessage({ type: 'theme', payload: { '--alga-bg': '#0b0f19' } });
   */
  setTheme(mode: ThemeMode): Promise<void>;
  /**
   * Clicks "Reload extension" and waits for the iframe again (`waitFor` as in `open`).
   * @example await shell.reloadExtension({ waitFor: 'ready' });
   */
  reloadExtension(options?: Pick<OpenOptions, 'waitFor' | 'timeout'>): Promise<OpenedExtension['revealedBy']>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const PORTAL_PATHS: Record<Portal, string> = { msp: '/msp/extensions/', 'client-portal': '/client-portal/extensions/' };

/** The `Shell` over one page and one emulator. */
export class AlgaShell implements Shell {
  readonly page: Page;
  readonly frameElement: Locator;
  readonly #emulator: TestEmulator;
  readonly #installed: Readonly<Record<string, InstallResult>>;

  constructor(page: Page, emulator: TestEmulator, installed: Readonly<Record<string, InstallResult>>) {
    this.page = page;
    this.frameElement = page.locator('[data-testid="extension-frame"]');
    this.#emulator = emulator;
    this.#installed = installed;
  }

  async open(options: OpenOptions): Promise<OpenedExtension> {
    const as = options.as ?? 'admin';
    const registryId = this.#registryId(options.extension);
    const tenantId = resolveTenant(this.#emulator.registry, this.#emulator.tenants, options.tenant);
    if (as === 'anonymous' && tenantId !== this.#emulator.tenants.default) {
      throw new Error(`Failed to open ${describeRef(options.extension)} as 'anonymous' in tenant ${tenantId}: a signed-out shell shows the default tenant. Sign in as a user of that tenant instead.`);
    }
    const user = resolveCaller(this.#emulator.registry, tenantId, as, options.tenant !== undefined);
    const portal = options.portal ?? (user?.userType === 'client' ? 'client-portal' : 'msp');
    await this.signIn(as, options.tenant);
    if (options.theme !== undefined) await this.#presetTheme(options.theme);
    const query = options.path === undefined ? '' : `?path=${encodeURIComponent(options.path)}`;
    await this.page.goto(`${this.#emulator.urls.main}${PORTAL_PATHS[portal]}${encodeURIComponent(registryId)}${query}`, { waitUntil: 'domcontentloaded' });
    const revealedBy = await this.#waitForFrame(`Failed to open ${describeRef(options.extension)} in the ${portal} portal as ${as}`, options);
    // A user id names its own tenant even when `tenant` is not given.
    return { registryId, tenantId: user?.tenantId ?? tenantId, userId: user?.id ?? null, portal, revealedBy };
  }

  async signIn(as: Caller, tenant?: TenantRef): Promise<string | null> {
    const tenantId = resolveTenant(this.#emulator.registry, this.#emulator.tenants, tenant);
    const user = resolveCaller(this.#emulator.registry, tenantId, as, tenant !== undefined);
    const url = `${this.#emulator.urls.main}/api/emulator/session`;
    const res = user === null ? await this.page.request.delete(url) : await this.page.request.post(url, { data: { userId: user.id } });
    if (!res.ok()) throw new Error(`Failed to sign ${user ? `in as ${user.id}` : 'out'}: ${url} answered ${res.status()} ${await res.text()}.`);
    return user?.id ?? null;
  }

  async setTheme(mode: ThemeMode): Promise<void> {
    // The change handler posts the theme synchronously, so the message is logged when this resolves.
    await this.page.locator('[data-testid="theme-select"]').selectOption(mode);
  }

  async reloadExtension(options: Pick<OpenOptions, 'waitFor' | 'timeout'> = {}): Promise<OpenedExtension['revealedBy']> {
    await this.page.locator('[data-testid="reload-frame"]').click();
    return this.#waitForFrame('Failed to reload the extension', options);
  }

  #registryId(ref: OpenOptions['extension']): string {
    if (typeof ref !== 'string') return ref.registryId;
    const installed = this.#installed[ref];
    if (installed) return installed.registryId;
    try {
      return this.#emulator.registry.extension(ref).id;
    } catch (err) {
      const keys = Object.keys(this.#installed);
      throw new Error(`Failed to open ${ref}: ${describeError(err)} Installed by the extensions option: ${keys.length === 0 ? 'none' : keys.join(', ')}.`, { cause: err });
    }
  }

  /** The shell reads the theme from localStorage on start: store it on the origin before the page loads. */
  async #presetTheme(mode: ThemeMode): Promise<void> {
    await this.page.goto(`${this.#emulator.urls.main}/api/emulator/state`);
    await this.page.evaluate(([key, value]) => localStorage.setItem(key, value), [THEME_STORAGE_KEY, mode] as const);
  }

  /** Waits on the frame host's data attributes; the shell's problem view ends the wait with its text. */
  async #waitForFrame(failure: string, options: Pick<OpenOptions, 'waitFor' | 'timeout'>): Promise<OpenedExtension['revealedBy']> {
    const waitFor = options.waitFor ?? 'revealed';
    if (waitFor === 'none') return null;
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    let outcome: { problem: string } | { revealedBy: string };
    try {
      const handle = await this.page.waitForFunction((want) => {
        const problem = document.querySelector('[data-testid="extension-problem"]');
        if (problem) return { problem: problem.querySelector('p')?.textContent ?? problem.textContent ?? '' };
        const host = document.querySelector<HTMLElement>('[data-testid="frame-host"]');
        const revealedBy = host?.dataset.revealedBy ?? '';
        if (host?.dataset.ready === 'true') return { revealedBy };
        return want === 'revealed' && revealedBy !== '' ? { revealedBy } : false;
      }, waitFor, { timeout, polling: 50 });
      outcome = (await handle.jsonValue()) as typeof outcome;
    } catch (err) {
      const what = waitFor === 'ready' ? 'sent no ready message' : 'was not shown';
      throw new Error(`${failure}: the extension iframe ${what} within ${timeout} ms. Does its UI post { alga: true, version: '1', type: 'ready' } to the parent? (${describeError(err)})`, { cause: err });
    }
    if ('problem' in outcome) throw new Error(`${failure}: the shell says "${outcome.problem}"`);
    return outcome.revealedBy as OpenedExtension['revealedBy'];
  }
}

function describeRef(ref: OpenOptions['extension']): string {
  return typeof ref === 'string' ? ref : ref.registryId;
}
