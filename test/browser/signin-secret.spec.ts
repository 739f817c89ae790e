// A shell page of an emulator bound to 0.0.0.0 asks for the sign-in secret, and the form (or the
// printed URL) lets the developer in. Its own emulator: the shared one is on loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';

let emu: RunningEmulator;
let dataDir = '';
let base = '';

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'signin-secret-'));
  emu = await startEmulator({ env: {}, settings: { dataDir, host: '0.0.0.0', port: 0, runnerPort: 0 } });
  base = `http://127.0.0.1:${new URL(emu.urls.main).port}`;
});

test.afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('asks for the secret, refuses a wrong one, and lets the right one in', async ({ page }) => {
  await page.goto(`${base}/`);
  await expect(page.getByTestId('signin-secret')).toContainText("401 this emulator listens on 0.0.0.0, which other machines can reach, so the shell's API asks for the sign-in secret.");
  await page.getByTestId('signin-secret-input').fill('not-the-secret');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('body')).toContainText('"code":"SIGNIN_SECRET_INVALID"');
  await page.goto(`${base}/`);
  await page.getByTestId('signin-secret-input').fill(`${emu.signin.secret ?? ''}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(`${base}/`);
  await expect(page.locator('h1')).toHaveText('Alga PSA extension emulator');
  await expect(page.getByTestId('signin-secret')).toHaveCount(0);
});
