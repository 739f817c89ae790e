// The author loop: the emulator watches an extension folder (`npm run emulate -- --ext <dir>`);
// a rebuild republishes it and the open iframe reloads; a broken build keeps the last good bundle
// and shows the error in the shell.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, extensionFrame, test } from './fixtures.ts';

test.describe('watch loop', () => {
  test('a changed UI file reloads the open iframe with the new bundle', async ({ page, info, signIn }) => {
    const index = join(info.watchDir, 'ui/index.html');
    const original = await readFile(index, 'utf8');
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.watched}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    const src = await page.getByTestId('extension-frame').getAttribute('src');
    await expect(extensionFrame(page).locator('#title')).toHaveText('Handwritten UI fixture');
    try {
      await writeFile(index, original.replace('<h1 id="title">Handwritten UI fixture</h1>', '<h1 id="title">Rebuilt by the watch loop</h1>'));
      await expect(extensionFrame(page).locator('#title')).toHaveText('Rebuilt by the watch loop', { timeout: 15_000 });
      // A new content hash, so a new iframe URL.
      expect(await page.getByTestId('extension-frame').getAttribute('src')).not.toBe(src);
    } finally {
      await writeFile(index, original);
    }
  });

  test('a broken build keeps the last good bundle and shows the error', async ({ page, info, signIn }) => {
    const manifestFile = join(info.watchDir, 'manifest.json');
    const manifest = await readFile(manifestFile, 'utf8');
    await signIn(info.users.admin);
    await page.goto(`/msp/extensions/${info.extensions.watched}`);
    await expect(page.getByTestId('frame-host')).toHaveAttribute('data-ready', 'true');
    try {
      await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(manifest), description: 'not allowed' }));
      const error = page.getByTestId('build-error');
      await expect(error).toContainText('Build failed; the iframe still shows the last good bundle.', { timeout: 15_000 });
      await expect(error).toContainText("INVALID_MANIFEST $.description: Unknown top-level field 'description'");
      await expect(extensionFrame(page).locator('#title')).toBeVisible();
    } finally {
      await writeFile(manifestFile, manifest);
    }
    await expect(page.getByTestId('build-error')).toHaveCount(0, { timeout: 15_000 });
  });
});
