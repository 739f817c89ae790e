// `apiproxy` round trips: the fixture UI asks the shell, the shell calls /api/ext-proxy, the
// Gateway runs the hello-host component on the Runner, and the answer comes back base64.
import { expect, extensionFrame, test } from './fixtures.ts';

async function call(page: import('@playwright/test').Page, route: string, method: string, body = ''): Promise<void> {
  const fixture = extensionFrame(page);
  await fixture.locator('#route').fill(route);
  await fixture.locator('#method').fill(method);
  await fixture.locator('#body').fill(body);
  await fixture.locator('#call').click();
}

test.describe('apiproxy', () => {
  test('POST /counter reaches hello-host through /api/ext-proxy and answers base64', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    const result = extensionFrame(page).locator('#proxy-result');
    await call(page, '/counter', 'POST');
    await expect(result).toHaveText('body: {"count":1,"revision":"1"}');
    await expect(result).toHaveAttribute('data-request-id', 'req-1');
    await call(page, 'counter', '');
    await expect(result).toHaveText('body: {"count":2,"revision":"2"}');

    await page.getByTestId('dev-tab-gateway').click();
    const rows = page.getByTestId('dev-gateway').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).locator('td').nth(1)).toHaveText(`POST /api/ext-proxy/${info.extensions.helloHost}/counter`);
    await expect(rows.nth(0).locator('td').nth(2)).toHaveText('200');
    await expect(rows.nth(0).locator('td').nth(4)).toHaveText('req-2');

    await page.getByTestId('dev-tab-messages').click();
    const replies = page.getByTestId('dev-messages').locator('tr', { hasText: 'apiproxy_response' });
    await expect(replies).toHaveCount(2);
    await expect(replies.nth(0).locator('td').nth(2)).toHaveText('*');
  });

  test('the live logs show the handler\'s log lines', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await page.getByTestId('dev-tab-logs').click();
    await expect(page.getByTestId('live-log-state')).toHaveText(/^Connected: waiting for log lines/);
    await call(page, '/context', 'GET');
    await expect(page.getByTestId('live-logs')).toContainText(/INFO {2}\[log\] \(\S+\) GET \/context/);
  });

  test('a method outside the five gets an error reply, logged in the panel', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await call(page, '/counter', 'TRACE');
    const message = 'Failed to proxy the request: method "TRACE" is not one of GET, POST, PUT, PATCH, DELETE. Production drops this message without replying (callProxy then times out after 15 s); pass one of those methods.';
    await expect(extensionFrame(page).locator('#proxy-result')).toHaveText(`error: ${message}`);
    await expect(page.getByTestId('dev-messages').locator('tr', { hasText: `rejected: ${message}` })).toHaveCount(1);
  });

  test('an endpoint missing from api.endpoints shows production\'s 404 in strict mode', async ({ page, info, signIn }) => {
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    await call(page, '/not-declared', 'GET');
    await expect(extensionFrame(page).locator('#proxy-result')).toHaveText('error: Proxy error 404: {"error":"endpoint_not_found"}');
  });

  test('a gateway refusal becomes "Proxy error <status>: <text>"', async ({ page, info }) => {
    await page.goto(`/msp/extensions/${info.extensions.helloHost}`);
    await expect(page.getByTestId('not-signed-in')).toBeVisible();
    await call(page, '/counter', 'POST');
    await expect(extensionFrame(page).locator('#proxy-result')).toHaveText('error: Proxy error 401: {"error":"unauthenticated"}');
    await page.getByTestId('dev-tab-logs').click();
    await expect(page.getByTestId('live-log-state')).toHaveText('Not signed in: live logs need a signed-in user of the tenant with extension:read. Pick one in the user menu.');
  });
});
