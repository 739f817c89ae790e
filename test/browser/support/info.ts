// What the browser tests know about the emulator global-setup.ts started.

export interface BrowserTestInfo {
  main: string;
  runner: string;
  dataDir: string;
  defaultTenantId: string;
  secondTenantId: string;
  /** Seeded user ids: the default tenant's MSP admin, MSP user, client-portal user; the second tenant's admin. */
  users: { admin: string; tech: string; client: string; secondAdmin: string };
  /** The publishing API key of the second tenant (its admin's). */
  secondTenantApiKey: string;
  /** Registry ids of the installed fixtures (default tenant only); `helloUi` is the SDK-based sample, null when absent. */
  extensions: { handwritten: string; clientOnly: string; helloHost: string; helloUi: string | null; helloIframe: string; watched: string };
  /** The folder the emulator watches (`emu.watch`): editing it republishes `extensions.watched`. */
  watchDir: string;
}

export const INFO_VARIABLE = 'ALGA_BROWSER_TEST_INFO';

export function browserTestInfo(): BrowserTestInfo {
  const raw = process.env[INFO_VARIABLE];
  if (!raw) throw new Error(`${INFO_VARIABLE} is not set: run the browser tests with \`npm run test:browser\` (its global setup starts the emulator).`);
  return JSON.parse(raw) as BrowserTestInfo;
}
