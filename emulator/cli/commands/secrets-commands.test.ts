import { describe, expect, it } from 'vitest';
import { cliFixture, DEFAULT_TENANT, type CliFixture, type CliRun } from './test-support.ts';

const SECRET = 'hunter2-s3cr3t-value';
const OTHER = 'second-secret-value';

async function installed(): Promise<CliFixture> {
  const fx = await cliFixture();
  expect((await fx.run(['publish', 'ext'])).code).toBe(0);
  return fx;
}

function expectNoValue(run: CliRun): void {
  const printed = [...run.out, ...run.err].join('\n');
  expect(printed).not.toContain(SECRET);
  expect(printed).not.toContain(OTHER);
}

/** The sealed values as the Runner would open them. */
async function storedSecrets(fx: CliFixture): Promise<Record<string, string>> {
  const data = await fx.open();
  const install = data.registry.installOf(DEFAULT_TENANT, 'cli-ui');
  const envelope = data.registry.secretEnvelope(install?.installId ?? '');
  return envelope ? data.registry.sealer.unseal(Buffer.from(envelope.ciphertext_b64, 'base64').toString('utf8')) : {};
}

describe('alga-emulator secrets', () => {
  it('should store the values but print only names and the secrets version', async () => {
    const fx = await installed();
    const set = await fx.run(['secrets', 'set', 'cli-ui', `api_key=${SECRET}`, `other=${OTHER}`]);
    expect(set.code).toBe(0);
    expectNoValue(set);
    const meta = (await fx.open()).registry.listSecrets(DEFAULT_TENANT, 'cli-ui');
    expect(set.out).toEqual([`updated secrets of acme.cli-ui for tenant ${DEFAULT_TENANT}`, `  secrets version: ${meta.secretsVersion}`, '  names:', '    api_key', '    other']);
    expect(await storedSecrets(fx)).toEqual({ api_key: SECRET, other: OTHER });
    const list = await fx.run(['secrets', 'list', 'cli-ui']);
    expectNoValue(list);
    expect(list.out).toEqual([`secrets of acme.cli-ui for tenant ${DEFAULT_TENANT}`, `  secrets version: ${meta.secretsVersion}`, '  names:', '    api_key', '    other']);
  });

  it('should never put a value in JSON output either', async () => {
    const fx = await installed();
    const set = await fx.run(['secrets', 'set', 'cli-ui', `api_key=${SECRET}`, '--json']);
    const list = await fx.run(['secrets', 'list', 'cli-ui', '--json']);
    expectNoValue(set);
    expectNoValue(list);
    expect(JSON.parse(list.out.join('\n'))).toEqual({
      slug: 'acme.cli-ui',
      tenantId: DEFAULT_TENANT,
      installId: expect.any(String),
      names: ['api_key'],
      secretsVersion: expect.any(String),
      hasEnvelope: true,
    });
  });

  it('should merge, drop a key given with an empty value, and bump the version', async () => {
    const fx = await installed();
    await fx.run(['secrets', 'set', 'cli-ui', `api_key=${SECRET}`, `other=${OTHER}`]);
    const before = (await fx.open()).registry.listSecrets(DEFAULT_TENANT, 'cli-ui').secretsVersion;
    const drop = await fx.run(['secrets', 'set', 'cli-ui', 'other=', 'third=3']);
    expect(drop.out.slice(2)).toEqual(['  names:', '    api_key', '    third']);
    expect(drop.out[1]).not.toBe(`  secrets version: ${before}`);
    expect(await storedSecrets(fx)).toEqual({ api_key: SECRET, third: '3' });
  });

  it('should clear every secret', async () => {
    const fx = await installed();
    await fx.run(['secrets', 'set', 'cli-ui', `api_key=${SECRET}`]);
    const clear = await fx.run(['secrets', 'clear', 'cli-ui']);
    expect(clear.code).toBe(0);
    expect(clear.out[0]).toBe(`cleared secrets of acme.cli-ui for tenant ${DEFAULT_TENANT}`);
    expect(clear.out.slice(2)).toEqual(['  names:', '    (none)']);
    expect(await storedSecrets(fx)).toEqual({});
  });

  it('should say "never written" before the first write', async () => {
    const fx = await installed();
    expect((await fx.run(['secrets', 'list', 'cli-ui'])).out.slice(1)).toEqual(['  secrets version: (never written)', '  names:', '    (none)']);
  });

  it('should not echo a malformed argument, which may be a value', async () => {
    const fx = await installed();
    const bad = await fx.run(['secrets', 'set', 'cli-ui', `api_key=${OTHER}`, SECRET]);
    expect(bad.code).toBe(2);
    expectNoValue(bad);
    expect(bad.err).toEqual(['error USAGE: argument 3 of "secrets set" is not key=value (a non-empty key, "=", then the value).']);
    expect(await storedSecrets(fx)).toEqual({});
  });
});
