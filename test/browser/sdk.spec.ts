// Interoperability with @alga-psa/extension-iframe-sdk, unchanged: the hello-ui sample's UI is
// written with it (IframeBridge, callHandlerJson, subscribeTheme) and bundled by esbuild.
import { expect, extensionFrame, test } from './fixtures.ts';

test.describe('a UI written with @alga-psa/extension-iframe-sdk', () => {
  test('is ready, gets the theme, and reaches its handler through apiproxy', async ({ page, info, signIn }) => {
    test.skip(info.extensions.helloUi === null, 'sample-extensions/hello-ui is not in this checkout');
    const id = info.extensions.helloUi as string;
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${id}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    const messages = page.getByTestId('dev-messages');
    await expect(messages.locator('tr', { hasText: 'ready: overlay removed' })).toHaveCount(1);
    await expect(messages.locator('tr', { hasText: 'light palette' })).toHaveCount(1);
    // The SDK's first call compiles the component: allow for it.
    await expect(messages.locator('tr', { hasText: `GET /api/ext-proxy/${id}/greeting` })).toHaveCount(1);
    await page.getByTestId('dev-tab-gateway').click();
    const greeting = page.getByTestId('dev-gateway').locator('tr', { hasText: `GET /api/ext-proxy/${id}/greeting` });
    await expect(greeting.locator('td').nth(2)).toHaveText('200', { timeout: 30_000 });
    await expect(extensionFrame(page).locator('#greeting')).toHaveText('Hello, Morgan Admin!');
    await expect(extensionFrame(page).locator('#who')).toHaveText(`internal user of tenant ${info.defaultTenantId}`);

    await extensionFrame(page).locator('#count').click();
    const visits = page.getByTestId('dev-gateway').locator('tr', { hasText: `POST /api/ext-proxy/${id}/visits` });
    await expect(visits.locator('td').nth(2)).toHaveText('200', { timeout: 15_000 });
    await expect(extensionFrame(page).locator('#visits')).toHaveText('Visits: 1');
  });
});

test.describe('the hand-written UI-only sample (sample-extensions/hello-iframe)', () => {
  test('renders, sends ready, receives all 31 theme tokens, and resizes its iframe', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloIframe}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('dev-messages').locator('tr', { hasText: 'ready: overlay removed' })).toHaveCount(1);
    const frame = extensionFrame(page);
    await expect(frame.locator('h1')).toHaveText('Hello from a UI-only extension');
    await expect(frame.locator('#theme-count')).toHaveText('31');
    const iframe = page.getByTestId('extension-frame');
    const before = (await iframe.boundingBox())?.height ?? 0;
    await frame.locator('#grow').click();
    await expect.poll(async () => Math.round((await iframe.boundingBox())?.height ?? 0)).toBe(Math.round(before) + 200);
  });
});
