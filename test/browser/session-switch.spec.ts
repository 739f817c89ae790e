// The shell follows the session: switching user, tenant or portal loads the open extension again
// for the new principal, and a refused bridge call shows the Gateway's x-emulator-hint in the
// Gateway-calls tab and above the frame (the iframe still gets production's reply text).
import type { Page } from '@playwright/test';
import { expect, extensionFrame, test } from './fixtures.ts';

async function call(page: Page, route: string, method: string): Promise<void> {
  const fixture = extensionFrame(page);
  await fixture.locator('#route').fill(route);
  await fixture.locator('#method').fill(method);
  await fixture.locator('#body').fill('');
  await fixture.locator('#call').click();
}

/** How many `ready` messages the shell has received from extension iframes (one per load). */
async function loads(page: Page): Promise<number> {
  return page.evaluate(() => (window.__algaShell?.messages() ?? []).filter((m) => m.direction === 'in' && m.type === 'ready').length);
}

/** GET /user of hello-host as the default tenant's MSP admin, as the fixture UI shows it. */
function adminAnswer(info: { defaultTenantId: string; users: { admin: string } }): string {
  const user = {
    tenantId: info.defaultTenantId, clientName: 'Emulator Tenant', userId: info.users.admin, userEmail: 'admin@emulator.test', userName: 'Morgan Admin', userType: 'internal',
    additionalFields: [['contactId', ''], ['contact_id', ''], ['locale', 'en'], ['timezone', 'UTC'], ['username', 'admin@emulator.test']],
  };
  return `body: ${JSON.stringify({ user })}`;
}

const TECH_HINT = 'user tech@emulator.test lacks the extension:read permission that GET calls need: call as a user with it (e.g. the MSP admin)';
const NO_SESSION_HINT = 'no session: send authorization: Bearer <dev token> (npm run emulate prints one per user) or sign in on the shell page';

test.describe('the shell follows the session', () => {
  // The first call may start the hello-host component cold (a transpile on a busy machine).
  test.describe.configure({ timeout: 120_000 });
  const FIRST_CALL = { timeout: 60_000 };

  test('switching user reloads the extension, and a refused call shows the Gateway\'s hint in the panel and above the frame', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    const result = extensionFrame(page).locator('#proxy-result');
    await call(page, '/user', 'GET');
    await expect(result).toHaveText(adminAnswer(info), FIRST_CALL);
    await expect(page.getByTestId('gateway-hint')).toBeHidden();

    await page.getByTestId('user-select').selectOption(info.users.tech);
    await expect.poll(() => loads(page)).toBe(2);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect(result).toHaveText('');
    await call(page, '/user', 'GET');
    await expect(result).toHaveText('error: Proxy error 403: {"error":"forbidden"}');
    const url = `/api/ext-proxy/${info.extensions.helloHost}/user`;
    await expect(page.getByTestId('gateway-hint')).toHaveText(`The Gateway refused GET ${url} (403): ${TECH_HINT}`);
    await page.getByTestId('dev-tab-gateway').click();
    const newest = page.getByTestId('dev-gateway').locator('tbody tr').nth(0).locator('td');
    await expect(newest.nth(1)).toHaveText(`GET ${url}`);
    await expect(newest.nth(5)).toHaveText('Proxy error 403: {"error":"forbidden"}');
    await expect(newest.nth(6)).toHaveText(TECH_HINT);
    await expect(page.getByTestId('dev-gateway').locator('thead th')).toHaveText(['time', 'call', 'status', 'duration', 'request id', 'error', 'hint']);

    await page.getByTestId('user-select').selectOption(info.users.admin);
    await expect.poll(() => loads(page)).toBe(3);
    await expect(page.getByTestId('gateway-hint')).toBeHidden();
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await call(page, '/user', 'GET');
    await expect(result).toHaveText(adminAnswer(info));
  });

  test('signing in reloads an extension opened before sign-in, so its 401 goes away', async ({ page, info }) => {
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    const result = extensionFrame(page).locator('#proxy-result');
    await call(page, '/user', 'GET');
    await expect(result).toHaveText('error: Proxy error 401: {"error":"unauthenticated"}');
    await expect(page.getByTestId('gateway-hint')).toHaveText(`The Gateway refused GET /api/ext-proxy/${info.extensions.helloHost}/user (401): ${NO_SESSION_HINT}`);

    await page.getByTestId('user-select').selectOption(info.users.admin);
    await expect.poll(() => loads(page)).toBe(2);
    await expect(page.getByTestId('not-signed-in')).toHaveCount(0);
    await expect(page.getByTestId('gateway-hint')).toBeHidden();
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await expect(result).toHaveText('');
    await call(page, '/user', 'GET');
    await expect(result).toHaveText(adminAnswer(info));
  });

  test('switching tenant keeps the extension route: not installed there says so, switching back reloads it for that tenant\'s admin', async ({ page, info, signIn }) => {
    await signIn(info.users.tech);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('tenant-select').selectOption(info.secondTenantId);
    await expect(page.getByTestId('extension-problem').locator('p').first()).toHaveText(`Extension ${info.extensions.helloHost} is not installed and enabled for Second Tenant.`);
    await expect(page.getByTestId('extension-frame')).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`/msp/extensions/${info.extensions.helloHost}$`));

    await page.getByTestId('tenant-select').selectOption(info.defaultTenantId);
    await expect(page.getByTestId('user-select')).toHaveValue(info.users.admin);
    await expect.poll(() => loads(page)).toBe(2);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await call(page, '/user', 'GET');
    await expect(extensionFrame(page).locator('#proxy-result')).toHaveText(adminAnswer(info));
  });

  test('switching portal reloads the extension in the other portal', async ({ page, info, signIn }) => {
    test.skip(info.extensions.helloUi === null, 'the hello-ui sample is absent');
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloUi}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('portal-client-portal').click();
    await expect(page).toHaveURL(new RegExp(`/client-portal/extensions/${info.extensions.helloUi}$`));
    await expect.poll(() => loads(page)).toBe(2);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
  });
});
