// Playwright settings for extension UI tests: Debian's chromium (never a downloaded browser) with
// the flags that make it quiet and reliable in containers and CI. Kept free of the emulator's
// modules so a playwright.config.ts can import it cheaply.
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

/**
 * Where Debian's `chromium` package puts the browser; `CHROMIUM_PATH` overrides it.
 * @example CHROMIUM_PATH=/opt/chromium/chrome npx playwright test
 */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Chromium flags for tests: no sandbox (containers), no GPU, no background traffic, no first-run UI.
 * @example launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--lang=de'] }
 */
export const CHROMIUM_ARGS: readonly string[] = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * The browser to launch: `env.CHROMIUM_PATH` when set, else `/usr/bin/chromium`
 * (`apt-get install -y chromium`). Never `npx playwright install`.
 * @example chromiumPath({ CHROMIUM_PATH: '/opt/chromium/chrome' }) // '/opt/chromium/chrome'
 */
export function chromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const path = env.CHROMIUM_PATH?.trim();
  return path ? path : DEFAULT_CHROMIUM_PATH;
}

/**
 * The `use` block of `defineAlgaConfig`: headless chromium from `chromiumPath()` with `CHROMIUM_ARGS`.
 * Spread it into a config or project you build yourself.
 * @example export default defineConfig({ projects: [{ name: 'ui', use: { ...algaUse() } }] });
 */
export function algaUse(env: Readonly<Record<string, string | undefined>> = process.env): NonNullable<PlaywrightTestConfig['use']> {
  return {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath(env), args: [...CHROMIUM_ARGS] },
  };
}

/**
 * `defineConfig` with `algaUse()` underneath: your `use` wins field by field, `launchOptions.args`
 * are added to `CHROMIUM_ARGS`. Also sets `forbidOnly` on CI and a 60 s test timeout (the first
 * call of a component compiles it); pass your own to change them. Returns a new object.
 *
 * @example
 * // playwright.config.ts of an extension
 * import { defineAlgaConfig } from 'alga-extension-emulator/harness/playwright';
 * export default defineAlgaConfig({ testDir: './test', testMatch: '**\/*.ui.spec.ts' });
 */
export function defineAlgaConfig(config: PlaywrightTestConfig = {}): PlaywrightTestConfig {
  const preset = algaUse();
  const launchOptions = { ...preset.launchOptions, ...config.use?.launchOptions, args: [...CHROMIUM_ARGS, ...(config.use?.launchOptions?.args ?? [])] };
  return defineConfig({
    forbidOnly: Boolean(process.env.CI),
    timeout: 60_000,
    ...config,
    use: { ...preset, ...config.use, launchOptions },
  });
}
