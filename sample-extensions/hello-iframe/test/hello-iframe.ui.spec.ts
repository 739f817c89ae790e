// hello-iframe in the emulator's shell, as an author tests it with the public Playwright fixtures
// only: a hand-written UI (no SDK, no handler) that posts the bridge envelope itself.
import { fileURLToPath } from 'node:url';
import { expect, test } from '../../../harness/playwright.ts';

const HELLO_IFRAME_DIR = fileURLToPath(new URL('..', import.meta.url));
test.use({ extensions: [{ source: HELLO_IFRAME_DIR, key: 'hello-iframe' }] });

test.describe('hello-iframe in the shell', () => {
  test('should render, send ready and receive the 31 light theme tokens', async ({ shell, extensionFrame, bridgeLog }) => {
    const opened = await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    expect(opened.portal).toBe('msp');
    await expect(extensionFrame.locator('h1')).toHaveText('Hello from a UI-only extension');
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'ready', note: 'ready: overlay removed' });
    await expect(bridgeLog).toHaveMessage({ direction: 'out', type: 'theme', note: 'light palette', payload: { '--alga-bg': '#ffffff', '--alga-radius': '8px' } });
    await expect(extensionFrame.locator('#theme-count')).toHaveText('31');
    await expect(extensionFrame.locator('#messages li')).toHaveText(['theme']);
  });

  test('should resize its iframe by 200 px on Grow', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    const first = await bridgeLog.waitFor({ direction: 'in', type: 'resize' });
    const height = (first.payload as { height: number }).height;
    await expect(shell.frameElement).toHaveCSS('height', `${height}px`);

    await extensionFrame.locator('#grow').click();
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'resize', payload: { height: height + 200 }, note: `height set to ${height + 200} px` });
    await expect(shell.frameElement).toHaveCSS('height', `${height + 200}px`);
  });

  test('should get the dark palette when the shell switches theme', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    await expect(extensionFrame.locator('html')).toHaveCSS('--alga-bg', '#ffffff');
    await shell.setTheme('dark');
    await expect(bridgeLog).toHaveMessage({ direction: 'out', type: 'theme', note: 'dark palette', payload: { '--alga-bg': '#0b0f19' } });
    await expect(extensionFrame.locator('html')).toHaveCSS('--alga-bg', '#0b0f19');
    await expect(extensionFrame.locator('#messages li')).toHaveText(['theme', 'theme']);
  });

  test('should get no theme at all from a docker-mode host', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', theme: 'none', waitFor: 'ready' });
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'ready' });
    await expect(bridgeLog).not.toHaveMessage({ type: 'theme' }, { timeout: 500 });
    await expect(extensionFrame.locator('#theme-count')).toHaveText('0');
  });
});
