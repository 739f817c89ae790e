// hello-ui in the emulator's shell, as an author tests it with the public Playwright fixtures
// only: the UI (built with @alga-psa/extension-iframe-sdk by `npm run build:samples`) calls its
// own handler through the host's apiproxy bridge, the Gateway and the Runner.
import { fileURLToPath } from 'node:url';
import { expect, test } from '../../../harness/playwright.ts';

const HELLO_UI_DIR = fileURLToPath(new URL('..', import.meta.url));
test.use({ extensions: [{ source: HELLO_UI_DIR, key: 'hello-ui' }] });
// The first apiproxy call of a worker compiles the component.
test.describe.configure({ timeout: 60_000 });

/** The JSON of an `apiproxy_response` body (base64, as the host sends it). */
function replyJson(payload: unknown): unknown {
  return JSON.parse(Buffer.from((payload as { body: string }).body, 'base64').toString('utf8'));
}

test.describe('hello-ui in the shell', () => {
  test('should send ready, get the theme, and greet the admin through GET /greeting', async ({ shell, extensionFrame, bridgeLog, emulator }) => {
    const opened = await shell.open({ extension: 'hello-ui', as: 'admin', waitFor: 'ready' });
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'ready', note: 'ready: overlay removed' });
    await expect(bridgeLog).toHaveMessage({ direction: 'out', type: 'theme', note: 'light palette' });
    await expect(extensionFrame.locator('html')).toHaveCSS('--alga-bg', '#ffffff');

    await expect(extensionFrame.locator('#greeting')).toHaveText('Hello, Morgan Admin!', { timeout: 30_000 });
    await expect(extensionFrame.locator('#who')).toHaveText(`internal user of tenant ${emulator.tenants.default}`);
    const call = await bridgeLog.waitFor({ direction: 'in', type: 'apiproxy', route: '/greeting', method: 'GET' });
    expect(call.note).toBe(`GET /api/ext-proxy/${opened.registryId}/greeting`);
    const [reply] = await bridgeLog.entries({ direction: 'out', type: 'apiproxy_response', requestId: call.requestId ?? '' });
    expect(reply?.note).toBe('reply');
    expect(replyJson(reply?.payload)).toEqual({ message: 'Hello, Morgan Admin!', userType: 'internal', tenant: emulator.tenants.default });
  });

  test('should count visits through POST /visits', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-ui', waitFor: 'ready' });
    await expect(extensionFrame.locator('#greeting')).toHaveText('Hello, Morgan Admin!', { timeout: 30_000 });
    await extensionFrame.locator('#count').click();
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/visits', method: 'POST' });
    await expect(extensionFrame.locator('#visits')).toHaveText(/^Visits: \d+$/);
    const first = Number((await extensionFrame.locator('#visits').textContent())?.slice('Visits: '.length));

    await extensionFrame.locator('#count').click();
    await expect(extensionFrame.locator('#visits')).toHaveText(`Visits: ${first + 1}`);
  });

  test('should greet a client-portal user in the client portal', async ({ shell, extensionFrame, bridgeLog, emulator }) => {
    const opened = await shell.open({ extension: 'hello-ui', as: 'client' });
    expect(opened.portal).toBe('client-portal');
    await expect(shell.page).toHaveURL(`/client-portal/extensions/${opened.registryId}`);
    await expect(extensionFrame.locator('#greeting')).toHaveText('Hello, Robin Client!', { timeout: 30_000 });
    await expect(extensionFrame.locator('#who')).toHaveText(`client user of tenant ${emulator.tenants.default}`);
    await expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/greeting' });
  });

  test('should restyle when the shell switches to the dark theme', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-ui', waitFor: 'ready' });
    await expect(extensionFrame.locator('html')).toHaveCSS('--alga-bg', '#ffffff');
    await bridgeLog.clear();
    await shell.setTheme('dark');
    await expect(bridgeLog).toHaveMessage({ direction: 'out', type: 'theme', note: 'dark palette', payload: { '--alga-bg': '#0b0f19', '--alga-fg': '#f3f4f6' } });
    await expect(extensionFrame.locator('html')).toHaveCSS('--alga-bg', '#0b0f19');
  });

  test('should show the Gateway\'s 403 to an MSP user without extension permissions', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-ui', as: 'msp-user', waitFor: 'ready' });
    const call = await bridgeLog.waitFor({ type: 'apiproxy', route: '/greeting' }, { timeout: 30_000 });
    const error = 'Proxy error 403: {"error":"forbidden"}';
    await expect(bridgeLog).toHaveMessage({ direction: 'out', type: 'apiproxy_response', requestId: call.requestId ?? '', note: 'error reply', payload: { error } });
    await expect(extensionFrame.locator('#greeting')).toHaveText(`Error: ${error}`);
  });
});
