// The shell page as a developer sees it: the overview, the portals and their menus, and the
// tenant and user switches.
import { expect, test } from './fixtures.ts';
import type { BrowserTestInfo } from './support/info.ts';

/** The SDK sample (hello-ui) has both menu labels; it is installed when the checkout has it. */
const withSdkSample = (info: BrowserTestInfo, entries: string[], sample: string): string[] => (info.extensions.helloUi === null ? entries : [...entries, sample].sort((a, b) => a.localeCompare(b)));

test.describe('the overview at /', () => {
  test('explains the emulator, who is signed in, and what is installed', async ({ page, info }) => {
    await page.goto('/');
    await expect(page.locator('h1')).toHaveText('Alga PSA extension emulator');
    await expect(page.getByTestId('signed-in-as')).toHaveText('Not signed in. Pick a user above: the extensions\' gateway calls (/api/ext-proxy) need a session, as in production.');
    await expect(page.getByTestId('installed-row').locator('td:first-child')).toHaveText(withSdkSample(info, [
      'alga-emulator-tests.ui-client-portal',
      'alga-emulator-tests.ui-only-handwritten',
      'alga-emulator-tests.ui-watched',
      'alga-emulator.hello-host-ui',
      'alga-emulator.hello-iframe',
    ], 'alga-emulator.hello-ui'));
  });

  test('shows the empty state with the exact commands when nothing is installed', async ({ page, info, signIn }) => {
    await signIn(info.users.secondAdmin);
    await page.goto('/');
    await expect(page.getByTestId('signed-in-as')).toHaveText(/^Signed in as Morgan Admin \(admin@second\.test\), msp-admin in Second Tenant\./);
    await expect(page.getByTestId('empty-state')).toContainText('No extensions installed: run one of these from your extension\'s folder, then reload this page.');
    await expect(page.getByTestId('empty-commands')).toHaveText([
      `npx alga-emulator publish ./my-extension --data-dir ${info.dataDir} --tenant ${info.secondTenantId}`,
      `npx alga extension publish ./my-extension --base-url ${info.main} --api-key ${info.secondTenantApiKey} --tenant ${info.secondTenantId}`,
    ].join('\n'));
    await expect(page.getByTestId('menu-empty')).toHaveText('No extensions installed.');
  });
});

test.describe('portals and menus', () => {
  test('an MSP user sees the appMenu labels in the MSP portal', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto('/');
    await expect(page.getByTestId('menu-entry')).toHaveText(withSdkSample(info, ['Handwritten UI', 'Hello host UI', 'Hello iframe', 'Watched UI'], 'Hello UI'));
    await page.getByTestId('portal-client-portal').click();
    await expect(page.getByTestId('menu-entry')).toHaveText(withSdkSample(info, ['Client portal fixture'], 'Hello UI'));
  });

  test('a client-portal user sees only extensions with a clientPortalMenu label', async ({ page, info, signIn }) => {
    await signIn(info.users.client);
    await page.goto('/');
    await expect(page.getByTestId('portal-msp')).toBeDisabled();
    await expect(page.getByTestId('portal-client-portal')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('menu-entry')).toHaveText(withSdkSample(info, ['Client portal fixture'], 'Hello UI'));
    await page.getByTestId('menu-entry').filter({ hasText: 'Client portal fixture' }).click();
    await expect(page).toHaveURL(`/client-portal/extensions/${info.extensions.clientOnly}`);
    await expect(page.getByTestId('extension-title')).toHaveText('Client portal fixture');
    await expect(page.frameLocator('[data-testid="extension-frame"]').locator('h1')).toHaveText('Handwritten UI fixture');
  });

  test('a client-portal user cannot open the MSP portal route', async ({ page, info, signIn }) => {
    await signIn(info.users.client);
    await page.goto(`/msp/extensions/${info.extensions.handwritten}`);
    await expect(page.getByTestId('extension-problem')).toContainText('Client-portal users cannot open the MSP portal. Open it from the client portal, or sign in as an MSP user.');
    await expect(page.getByTestId('extension-frame')).toHaveCount(0);
  });

  test('an extension without the portal\'s label is not shown there', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/client-portal/extensions/${info.extensions.handwritten}`);
    await expect(page.getByTestId('extension-problem')).toContainText('alga-emulator-tests.ui-only-handwritten has no ui.hooks.clientPortalMenu.label in its manifest, so the client portal does not show it. Add the label and publish again.');
  });
});

test.describe('tenant and user switches', () => {
  test('the user switch signs in through the session API', async ({ page, info }) => {
    await page.goto('/');
    await page.getByTestId('user-select').selectOption(info.users.tech);
    await expect(page.getByTestId('signed-in-as')).toHaveText(/^Signed in as Casey Technician \(tech@emulator\.test\), msp-user in Emulator Tenant\. Permissions: ticket:read, ticket:update\.$/);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([['alga_emulator_session', true, 'Lax', '/']]);
    await page.getByTestId('user-select').selectOption('');
    await expect(page.getByTestId('signed-in-as')).toHaveText(/^Not signed in\./);
  });

  test('the tenant switch signs in as that tenant\'s admin', async ({ page, info }) => {
    await page.goto('/');
    await page.getByTestId('tenant-select').selectOption(info.secondTenantId);
    await expect(page.getByTestId('signed-in-as')).toHaveText(/^Signed in as Morgan Admin \(admin@second\.test\)/);
    await expect(page.getByTestId('empty-state')).toBeVisible();
  });
});
