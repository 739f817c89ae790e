import { describe, expect, it } from 'vitest';
import { KNOWN_CAPABILITIES } from '../../capabilities/index.ts';
import { cliFixture, DEFAULT_TENANT, type CliFixture } from './test-support.ts';

const DEFAULT_PROVIDERS = 'cap:context.read, cap:log.emit, cap:user.read';

async function installed(): Promise<CliFixture> {
  const fx = await cliFixture();
  expect((await fx.run(['publish', 'ext'])).code).toBe(0);
  return fx;
}

async function configVersion(fx: CliFixture): Promise<string> {
  return (JSON.parse((await fx.run(['config', 'get', 'cli-ui', '--json'])).out.join('\n')) as { version: string }).version;
}

describe('alga-emulator config get / set', () => {
  it('should print the map and its version, and bump the version on every set', async () => {
    const fx = await installed();
    const v1 = await configVersion(fx);
    expect((await fx.run(['config', 'get', 'cli-ui'])).out).toEqual([
      `config of acme.cli-ui for tenant ${DEFAULT_TENANT}`,
      `  version: ${v1}`,
      `  providers: ${DEFAULT_PROVIDERS}`,
      '  config:',
      '    (empty)',
    ]);
    const set = await fx.run(['config', 'set', 'cli-ui', 'region=eu', 'url=https://x.test/?a=b']);
    expect(set.code).toBe(0);
    const v2 = await configVersion(fx);
    expect(v2).not.toBe(v1);
    expect(set.out).toEqual([
      `updated config of acme.cli-ui for tenant ${DEFAULT_TENANT}`,
      `  version: ${v2}`,
      `  previous version: ${v1}`,
      `  providers: ${DEFAULT_PROVIDERS}`,
      '  config:',
      '    region=eu',
      '    url=https://x.test/?a=b',
    ]);
    expect((await fx.run(['config', 'get', 'cli-ui'])).out.slice(1)).toEqual([`  version: ${v2}`, `  providers: ${DEFAULT_PROVIDERS}`, '  config:', '    region=eu', '    url=https://x.test/?a=b']);
  });

  it('should merge, unset, replace, grant and revoke', async () => {
    const fx = await installed();
    await fx.run(['config', 'set', 'cli-ui', 'a=1', 'b=2']);
    await fx.run(['config', 'set', 'cli-ui', 'c=3', '--unset', 'a', '--grant', 'cap:http.fetch', '--grant', 'CAP:storage.kv']);
    const merged = (await fx.open()).registry.getConfig(DEFAULT_TENANT, 'cli-ui');
    expect(merged.config).toEqual({ b: '2', c: '3' });
    expect(merged.providers).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read', 'cap:http.fetch', 'cap:storage.kv']);
    const replaced = await fx.run(['config', 'set', 'cli-ui', 'z=9', '--replace', '--revoke', 'cap:storage.kv', '--json']);
    expect(JSON.parse(replaced.out.join('\n'))).toMatchObject({ config: { z: '9' }, providers: ['cap:context.read', 'cap:log.emit', 'cap:user.read', 'cap:http.fetch'] });
  });

  it('should refuse an unknown capability without writing anything', async () => {
    const fx = await installed();
    const before = await configVersion(fx);
    const { code, err } = await fx.run(['config', 'set', 'cli-ui', 'a=1', '--grant', 'cap:teleport']);
    expect(code).toBe(1);
    expect(err).toEqual([`error CAPABILITY_UNKNOWN: --grant "cap:teleport": not a known capability. Known capabilities: ${KNOWN_CAPABILITIES.join(', ')}.`]);
    expect(await configVersion(fx)).toBe(before);
  });

  it('should refuse a set with nothing to change, and a malformed pair', async () => {
    const fx = await installed();
    expect((await fx.run(['config', 'set', 'cli-ui'])).err).toEqual([
      'error USAGE: "config set" needs something to change: key=value, --unset <key>, --replace, --grant <cap> or --revoke <cap>. Run `alga-emulator config set --help`.',
    ]);
    const bad = await fx.run(['config', 'set', 'cli-ui', 'oops']);
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual(['error USAGE: "oops" of "config set" is not key=value (a non-empty key, "=", then the value).']);
  });

  it('should say when the extension is not installed for the tenant', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext', '--no-install']);
    const { code, err } = await fx.run(['config', 'get', 'cli-ui']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^error NOT_INSTALLED: acme\.cli-ui is not installed for tenant /);
  });
});
