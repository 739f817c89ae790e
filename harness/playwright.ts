/**
 * Public Playwright fixtures for extension UI tests: the emulator with its shell page, an
 * extension opened in the shell as a chosen user and portal, the extension iframe, and the
 * postMessage log with `toHaveMessage`. Chromium comes from Debian (`defineAlgaConfig`), never
 * from a download. Everything exported here is stable API.
 *
 * @example
 * import { expect, test } from 'alga-extension-emulator/harness/playwright';
 * test.use({ extensions: ['./my-extension'] });
 * test('greets the user', async ({ shell, extensionFrame, bridgeLog }) => {
 *   await shell.open({ extension: './my-extension', as: 'admin' });
 *   await expect(extensionFrame.locator('h1')).toHaveText('Hello, Morgan Admin!');
 *   await expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/greeting' });
 * });
 */
import { test as base, expect as baseExpect, type FrameLocator, type TestInfo } from '@playwright/test';
import { BridgeLog, describeMessages, toHaveMessage } from './bridge-log.ts';
import { createEmulator, type CreateEmulatorOptions, type TestEmulator } from './create-emulator.ts';
import type { ExtensionSource, InstallOptions, InstallResult } from './install.ts';
import { AlgaShell, type Shell } from './shell-driver.ts';
import type { TestClock } from './test-clock.ts';

export { BridgeLog, type BridgeMessage, type BridgeMessageFilter, type ToHaveMessageOptions } from './bridge-log.ts';
export { type OpenOptions, type OpenedExtension, type Portal, type Shell, type ThemeMode, type WaitFor } from './shell-driver.ts';
export { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, algaUse, chromiumPath, defineAlgaConfig } from './playwright-config.ts';

/**
 * An extension the worker installs once before its first test: a source as `emu.install` takes it
 * (a folder, `.tar.zst`, bytes or a sample name), or that plus install options and a `key`
 * (default: the source string, or the slug for bytes) under which `installed` lists it.
 * @example test.use({ extensions: ['hello-ui', { source: './my-ext', key: 'mine', config: { region: 'eu' } }] });
 */
export type ExtensionToInstall = ExtensionSource | ({ source: ExtensionSource; key?: string } & InstallOptions);

/**
 * Worker options, set with `test.use` (or a project's `use`; there values must be JSON-like).
 * Tests with different values run in different workers, each with its own emulator.
 * @example test.use({ emulatorOptions: { env: { EXT_EGRESS_ALLOWLIST: 'api.example.com' } }, extensions: ['hello-ui'] });
 */
export interface AlgaWorkerOptions {
  /** Passed to `createEmulator`; `shell` is always on and `EXT_GATEWAY_RATE_LIMIT` defaults to `off`. Default `{}`. */
  emulatorOptions: CreateEmulatorOptions;
  /** What to install (default tenant unless an entry says otherwise) before the worker's first test. Default `[]`. */
  extensions: readonly ExtensionToInstall[];
}

/**
 * Worker fixtures: one emulator per Playwright worker, closed when the worker ends.
 * @example test('installs', async ({ emulator, installed }) => { expect(emulator.registry.installOf(installed['hello-ui'].tenantId, 'hello-ui')).not.toBeNull(); });
 */
export interface AlgaWorkerFixtures {
  /** The running emulator (`createEmulator({ shell: true })`): `urls`, `install`, `invoke`, `ledger`, `logs`, … */
  emulator: TestEmulator;
  /** The installs of the `extensions` option, by key (`installed['hello-ui'].registryId`). */
  installed: Readonly<Record<string, InstallResult>>;
}

/**
 * Test fixtures. `baseURL` is the emulator's main URL, so `page.goto('/')` opens the shell's overview.
 * @example test('opens', async ({ shell, extensionFrame, bridgeLog }) => { await shell.open({ extension: 'hello-iframe' }); });
 */
export interface AlgaTestFixtures {
  /** Opens extensions in the shell page, switches the theme, reloads the iframe. */
  shell: Shell;
  /** The extension iframe of the shell page (`[data-testid="extension-frame"]`). */
  extensionFrame: FrameLocator;
  /** The page's postMessage log, both directions; assert with `expect(bridgeLog).toHaveMessage(…)`. */
  bridgeLog: BridgeLog;
  /**
   * The worker emulator's clock, as `emu.clock` in Vitest (not the browser's `page.clock`). Virtual
   * with `test.use({ emulatorOptions: { clock: 'virtual' } })`: `await clock.advance(ms)` fires every
   * schedule due on the way through the Runner. The worker's tests share it, as they share the emulator.
   * @example await clock.advance(60 * 60_000); await shell.reloadExtension(); // the UI reads the runs
   */
  clock: TestClock;
}

interface InternalFixtures {
  /** Screenshot and bridge log attached to a failed test; set up before and torn down after shell, frame and log. */
  algaFailureArtifacts: void;
}

/**
 * Names of what a failed test gets attached: a full-page PNG of the shell and the bridge log (text, then JSON).
 * @example testInfo.attachments.find((a) => a.name === FAILURE_ATTACHMENTS.screenshot)
 */
export const FAILURE_ATTACHMENTS = { screenshot: 'alga-shell-screenshot', bridgeLog: 'alga-bridge-log' } as const;

/**
 * Playwright's `test` with the emulator fixtures. One emulator per worker; every test gets a
 * fresh browser context (signed out, light theme).
 *
 * @example
 * import { expect, test } from 'alga-extension-emulator/harness/playwright';
 * test.use({ extensions: ['hello-ui'] });
 * test('counts a visit', async ({ shell, extensionFrame, bridgeLog }) => {
 *   await shell.open({ extension: 'hello-ui', as: 'admin' });
 *   await extensionFrame.locator('#count').click();
 *   await expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/visits', method: 'POST' });
 *   await expect(extensionFrame.locator('#visits')).toHaveText('Visits: 1');
 * });
 */
export const test = base.extend<AlgaTestFixtures & InternalFixtures, AlgaWorkerOptions & AlgaWorkerFixtures>({
  emulatorOptions: [{}, { scope: 'worker', option: true }],
  extensions: [[], { scope: 'worker', option: true }],
  emulator: [async ({ emulatorOptions }, use) => {
    const emulator = await createEmulator({ ...emulatorOptions, shell: true, env: { EXT_GATEWAY_RATE_LIMIT: 'off', ...emulatorOptions.env } });
    try {
      await use(emulator);
    } finally {
      await emulator.close();
    }
  }, { scope: 'worker', timeout: 180_000 }],
  installed: [async ({ emulator, extensions }, use) => {
    const installed: Record<string, InstallResult> = {};
    for (const entry of extensions) {
      const { source, key, ...options } = typeof entry === 'string' || ArrayBuffer.isView(entry) ? { source: entry, key: undefined } : entry;
      const result = await emulator.install(source, options);
      installed[key ?? (typeof source === 'string' ? source : result.slug)] = result;
    }
    await use(installed);
  }, { scope: 'worker', timeout: 180_000 }],
  baseURL: async ({ emulator }, use) => {
    await use(emulator.urls.main);
  },
  algaFailureArtifacts: async ({ page }, use, testInfo) => {
    await use();
    if (testInfo.status !== testInfo.expectedStatus) await attachFailureArtifacts(new BridgeLog(page), testInfo);
  },
  shell: async ({ page, emulator, installed, algaFailureArtifacts: _ }, use) => {
    await use(new AlgaShell(page, emulator, installed));
  },
  extensionFrame: async ({ page, algaFailureArtifacts: _ }, use) => {
    await use(page.frameLocator('[data-testid="extension-frame"]'));
  },
  bridgeLog: async ({ page, algaFailureArtifacts: _ }, use) => {
    await use(new BridgeLog(page));
  },
  clock: async ({ emulator }, use) => {
    await use(emulator.clock);
  },
});

/** A failed test's page as it was, and the messages so far; neither may hide the test's own error. */
async function attachFailureArtifacts(log: BridgeLog, testInfo: TestInfo): Promise<void> {
  if (log.page.isClosed()) return;
  try {
    await testInfo.attach(FAILURE_ATTACHMENTS.screenshot, { body: await log.page.screenshot({ fullPage: true, timeout: 5000 }), contentType: 'image/png' });
  } catch {
    // The page crashed or hangs: the test's own error says more than a missing screenshot.
  }
  try {
    const messages = await log.entries();
    await testInfo.attach(FAILURE_ATTACHMENTS.bridgeLog, { body: `${describeMessages(messages)}\n\n${JSON.stringify(messages, null, 2)}\n`, contentType: 'text/plain' });
  } catch {
    // Not the shell page (or gone): no log to attach.
  }
}

/**
 * Playwright's `expect` plus the bridge-log matcher: `toHaveMessage(filter, { timeout? })` polls
 * until a matching message arrives and, on failure, lists what was seen; `.not.toHaveMessage`
 * passes when none matches now (or, given a timeout, none arrives within it).
 *
 * @example
 * await expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/greeting', direction: 'in' });
 * await expect(bridgeLog).toHaveMessage({ type: 'theme', payload: { '--alga-bg': '#0b0f19' } });
 * await expect(bridgeLog).not.toHaveMessage({ type: 'theme' }, { timeout: 300 });
 */
export const expect = baseExpect.extend({ toHaveMessage });
