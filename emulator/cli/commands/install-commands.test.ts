import { describe, expect, it } from 'vitest';
import { table } from './install-commands.ts';
import { cliFixture, DEFAULT_TENANT, writeUiExtension, type CliFixture } from './test-support.ts';

const HEADER = ['EXTENSION', 'VERSION', 'ENABLED', 'CONTENT HASH', 'INSTALL ID'];

/** Publishes 1.0.0 (and optionally 1.1.0) without installing. */
async function published(versions: string[] = ['1.0.0']): Promise<CliFixture> {
  const fx = await cliFixture();
  for (const version of versions) {
    await writeUiExtension(fx.ext, { version });
    expect((await fx.run(['publish', 'ext', '--no-install'])).code).toBe(0);
  }
  return fx;
}

async function listRows(fx: CliFixture): Promise<string[]> {
  const data = await fx.open();
  const rows = data.registry.installs(DEFAULT_TENANT).map((v) => [v.slug, v.version, v.enabled ? 'yes' : 'no', v.contentHash ?? '-', v.installId]);
  return table(HEADER, rows);
}

describe('alga-emulator install / uninstall', () => {
  it('should install a published version by slug and list it', async () => {
    const fx = await published();
    const { code, out } = await fx.run(['install', 'acme.cli-ui', '--version', '1.0.0']);
    expect(code).toBe(0);
    const data = await fx.open();
    const install = data.registry.installOf(DEFAULT_TENANT, 'acme.cli-ui');
    expect(out).toEqual([`installed acme.cli-ui 1.0.0 for tenant ${DEFAULT_TENANT}`, `  install id: ${install?.installId}`]);
    expect((await fx.run(['list'])).out).toEqual(await listRows(fx));
  });

  it('should uninstall and then list nothing', async () => {
    const fx = await published();
    await fx.run(['install', 'cli-ui', '--version', '1.0.0']);
    expect((await fx.run(['uninstall', 'cli-ui'])).out).toEqual([`uninstalled acme.cli-ui for tenant ${DEFAULT_TENANT} (its config, secrets and schedules are gone)`]);
    expect((await fx.run(['list'])).out).toEqual([
      `no extensions installed for tenant ${DEFAULT_TENANT} (1 published; install one with \`alga-emulator install <ext> --version <v>\`)`,
    ]);
  });

  it('should install for another tenant only with --tenant', async () => {
    const fx = await published();
    const other = '22222222-2222-4222-8222-222222222222';
    expect((await fx.run(['install', 'cli-ui', '--version', '1.0.0', '--tenant', other])).out[0]).toBe(`installed acme.cli-ui 1.0.0 for tenant ${other}`);
    expect((await fx.run(['list', '--json'])).out).toEqual(['[]']);
    expect(JSON.parse((await fx.run(['list', '--json', '--tenant', other])).out.join('\n'))).toHaveLength(1);
  });

  it('should report an unknown version with the published ones', async () => {
    const fx = await published();
    const { code, err } = await fx.run(['install', 'cli-ui', '--version', '9.9.9']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^error VERSION_NOT_FOUND: version "9\.9\.9" of acme\.cli-ui is not published \(published: 1\.0\.0\)/);
  });
});

describe('alga-emulator update', () => {
  it('should move the install to another version and say from which', async () => {
    const fx = await published(['1.0.0', '1.1.0']);
    await fx.run(['install', 'cli-ui', '--version', '1.0.0']);
    const { code, out } = await fx.run(['update', 'cli-ui', '--version', '1.1.0']);
    expect(code).toBe(0);
    const install = (await fx.open()).registry.installOf(DEFAULT_TENANT, 'cli-ui');
    expect(out).toEqual([`updated acme.cli-ui for tenant ${DEFAULT_TENANT}: 1.0.0 → 1.1.0`, `  install id: ${install?.installId}`]);
    expect(install?.version).toBe('1.1.0');
  });

  it('should refuse to update an extension that is not installed', async () => {
    const fx = await published();
    const { code, err } = await fx.run(['update', 'cli-ui', '--version', '1.0.0', '--disable-missing-schedules']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^error NOT_INSTALLED: acme\.cli-ui is not installed for tenant /);
  });
});

describe('alga-emulator enable / disable / list', () => {
  it('should flip the enabled column of list', async () => {
    const fx = await published();
    await fx.run(['install', 'cli-ui', '--version', '1.0.0']);
    expect((await fx.run(['disable', 'cli-ui'])).out).toEqual([`disabled acme.cli-ui 1.0.0 for tenant ${DEFAULT_TENANT}`]);
    const disabled = (await fx.run(['list'])).out;
    expect(disabled).toEqual(await listRows(fx));
    expect(disabled[1]).toMatch(/^acme\.cli-ui {2}1\.0\.0 {4}no {7}sha256:/);
    expect((await fx.run(['enable', 'cli-ui'])).out).toEqual([`enabled acme.cli-ui 1.0.0 for tenant ${DEFAULT_TENANT}`]);
    const [row] = JSON.parse((await fx.run(['list', '--json'])).out.join('\n')) as Record<string, unknown>[];
    expect(row).toMatchObject({ slug: 'acme.cli-ui', version: '1.0.0', enabled: true, status: 'enabled', tenantId: DEFAULT_TENANT });
  });
});

describe('table', () => {
  it('should pad every column but the last', () => {
    expect(table(['A', 'BB'], [['xyz', 'q']])).toEqual(['A    BB', 'xyz  q']);
  });
});
