// The browser tests' fixtures: baseURL from the running emulator, the emulator's ids, and
// helpers to sign in and to reach the extension iframe.
import { test as base, expect, type FrameLocator, type Page } from '@playwright/test';
import { browserTestInfo, type BrowserTestInfo } from './support/info.ts';

export interface ShellFixtures {
  info: BrowserTestInfo;
  /** Signs the page's browser context in as a user (sets the session cookie). */
  signIn: (userId: string) => Promise<void>;
}

export const test = base.extend<ShellFixtures>({
  // eslint-disable-next-line no-empty-pattern
  info: async ({}, use) => {
    await use(browserTestInfo());
  },
  baseURL: async ({ info }, use) => {
    await use(info.main);
  },
  signIn: async ({ page }, use) => {
    await use(async (userId) => {
      const res = await page.request.post('/api/emulator/session', { data: { userId } });
      expect(res.status()).toBe(200);
    });
  },
});

export { expect };

/** The extension iframe of the shell page. */
export function extensionFrame(page: Page): FrameLocator {
  return page.frameLocator('[data-testid="extension-frame"]');
}

/** The messages the fixture UI recorded, parsed, optionally of one type. */
export async function received(page: Page, type?: string): Promise<{ alga: boolean; version: string; type: string; request_id?: string; payload: unknown }[]> {
  // Wait for the fixture's own document: right after the iframe is inserted it briefly holds
  // about:blank, and reading that would fail when the real page replaces it.
  const list = extensionFrame(page).locator('#received');
  await list.waitFor({ state: 'attached' });
  const items = list.locator(type ? `li[data-type="${type}"]` : 'li');
  return (await items.allTextContents()).map((t) => JSON.parse(t) as { alga: boolean; version: string; type: string; payload: unknown });
}
