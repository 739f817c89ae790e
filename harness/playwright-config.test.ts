import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, algaUse, chromiumPath, defineAlgaConfig } from './playwright-config.ts';

describe('Playwright config helpers', () => {
  it('should use Debian\'s chromium unless CHROMIUM_PATH says otherwise', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: ' ' })).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chromium/chrome' })).toBe('/opt/chromium/chrome');
    expect(algaUse({ CHROMIUM_PATH: '/x' })).toEqual({ browserName: 'chromium', headless: true, launchOptions: { executablePath: '/x', args: [...CHROMIUM_ARGS] } });
  });

  it('should let the author\'s use win field by field and add launch args to the preset', () => {
    const input = { testDir: './test', timeout: 90_000, use: { headless: false, launchOptions: { args: ['--lang=de'], slowMo: 50 } } };
    const config = defineAlgaConfig(input);
    expect(config.testDir).toBe('./test');
    expect(config.timeout).toBe(90_000);
    expect(config.use?.browserName).toBe('chromium');
    expect(config.use?.headless).toBe(false);
    expect(config.use?.launchOptions).toEqual({ executablePath: chromiumPath(), slowMo: 50, args: [...CHROMIUM_ARGS, '--lang=de'] });
    expect(input.use.launchOptions.args).toEqual(['--lang=de']);
    expect(defineAlgaConfig().timeout).toBe(60_000);
  });
});
