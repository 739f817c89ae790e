// The iframe and its postMessage bridge (spec 05) against a hand-written UI that posts the
// envelope itself and records what it receives.
import { DARK_THEME, LIGHT_THEME } from '../../emulator/shell/app/lib/theme.ts';
import { expect, extensionFrame, received, test } from './fixtures.ts';

async function contentHash(page: import('@playwright/test').Page, registryId: string): Promise<string> {
  const state = (await (await page.request.get('/api/emulator/state')).json()) as { extensions: { registryId: string; contentHash: string }[] };
  return state.extensions.find((e) => e.registryId === registryId)?.contentHash ?? '';
}

test.describe('the extension iframe', () => {
  test('renders with the spec URL and sandbox, and the overlay goes on ready', async ({ page, info, signIn }) => {
    // Hold the page's image so the iframe's load event comes late: only `ready` can reveal it.
    await page.route('**/pixel.svg', async (route) => {
      await new Promise((r) => setTimeout(r, 4000));
      await route.continue().catch(() => undefined);
    });
    await signIn(info.users.admin);
    const id = info.extensions.handwritten;
    await page.goto(`/msp/extensions/${id}`);
    const host = page.getByTestId('frame-host');
    await expect(host).toHaveAttribute('data-revealed-by', 'ready');
    await expect(page.getByTestId('starting-overlay')).toBeHidden();
    await expect(extensionFrame(page).locator('h1')).toHaveText('Handwritten UI fixture');
    const frame = page.getByTestId('extension-frame');
    await expect(frame).toHaveAttribute('sandbox', 'allow-scripts allow-forms allow-popups allow-same-origin');
    const hash = await contentHash(page, id);
    await expect(frame).toHaveAttribute('src',
      `/runner/ext-ui/${id}/${encodeURIComponent(hash)}/index.html?path=%2F&tenant=${info.defaultTenantId}&extensionId=${id}&parentOrigin=${encodeURIComponent(info.main)}`);
    await expect(page.getByTestId('dev-messages').locator('tr', { hasText: 'ready: overlay removed' })).toHaveCount(1);
  });

  test('without ready, the iframe load event removes the overlay', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}?path=/silent`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-revealed-by', 'load');
    await expect(page.getByTestId('starting-overlay')).toBeHidden();
    expect(await received(page, 'theme')).toEqual([]);
  });

  test('without ready or load, the overlay goes after 1500 ms', async ({ page, info, signIn }) => {
    await page.route('**/pixel.svg', async (route) => {
      await new Promise((r) => setTimeout(r, 4000));
      await route.continue().catch(() => undefined);
    });
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}?path=/silent`);
    await expect(page.getByTestId('starting-overlay')).toBeVisible();
    const started = Date.now();
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-revealed-by', 'timeout', { timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  test('resize sets the iframe height, floored and clamped to 100..4000', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}`);
    const frame = page.getByTestId('extension-frame');
    await expect(frame).toHaveCSS('height', '320px');
    const fixture = extensionFrame(page);
    for (const [asked, height] of [['250.9', '250px'], ['50', '100px'], ['99999', '4000px']] as const) {
      await fixture.locator('#height').fill(asked);
      await fixture.locator('#resize').click();
      await expect(frame).toHaveCSS('height', height);
    }
  });

  test('navigate is ignored, and logged', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}`);
    await extensionFrame(page).locator('#navigate').click();
    await expect(page.getByTestId('dev-messages').locator('tr', { hasText: 'ignored: navigate to /elsewhere (the production host ignores navigate)' })).toHaveCount(1);
    await expect(page).toHaveURL(`/msp/extensions/${info.extensions.handwritten}`);
  });
});

test.describe('theme', () => {
  test('is sent after ready and on every switch; docker mode sends none', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect.poll(async () => (await received(page, 'theme')).length).toBe(1);
    const [light] = await received(page, 'theme');
    expect(light).toEqual({ alga: true, version: '1', type: 'theme', payload: LIGHT_THEME });

    await page.getByTestId('theme-select').selectOption('dark');
    await expect.poll(async () => (await received(page, 'theme')).map((m) => m.payload)).toEqual([LIGHT_THEME, DARK_THEME]);
    await expect(extensionFrame(page).locator('html')).toHaveCSS('--alga-bg', '#0b0f19');

    await page.getByTestId('theme-select').selectOption('none');
    await page.getByTestId('reload-frame').click();
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect(extensionFrame(page).locator('h1')).toHaveText('Handwritten UI fixture');
    // The theme would be posted right after ready; give it time to arrive, then check none did.
    await page.waitForTimeout(300);
    expect(await received(page)).toEqual([]);
    await expect(page.getByTestId('dev-messages').locator('tr', { hasText: 'theme' })).toHaveCount(2);
  });
});

test.describe('legacy bootstrap', () => {
  test('is off by default; when on, it follows ready with a session token, the theme and the path', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('bootstrap-toggle')).not.toBeChecked();
    await page.waitForTimeout(300);
    expect(await received(page, 'bootstrap')).toEqual([]);

    await page.getByTestId('bootstrap-toggle').check();
    await page.getByTestId('reload-frame').click();
    await expect.poll(async () => (await received(page, 'bootstrap')).length).toBe(1);
    const [bootstrap] = await received(page, 'bootstrap');
    const payload = bootstrap?.payload as { session: { token: string; expires_at: string }; theme_tokens: unknown; navigation: unknown };
    expect(payload.theme_tokens).toEqual(LIGHT_THEME);
    expect(payload.navigation).toEqual({ path: '/' });
    expect(payload.session.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The token is a session of the signed-in user: the Gateway accepts it as a bearer token (a bearer wins over the cookie).
    const res = await page.request.get(`/api/ext/${info.extensions.helloHost}/context`, { headers: { authorization: `Bearer ${payload.session.token}` } });
    expect(res.status()).toBe(200);
  });
});
