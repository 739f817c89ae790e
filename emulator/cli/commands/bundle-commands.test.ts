import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packExtension } from '../../bundles/pack.ts';
import { validateManifest } from '../../manifest/index.ts';
import { devKeyPaths, generateSigningKey, readPrivateKey, signContentHash, writeKeyPair } from '../../signing/index.ts';
import { CLI_UI_MANIFEST, cliFixture, DEFAULT_TENANT, writeUiExtension } from './test-support.ts';

const DEV_NOTE = "(the data folder's dev key; strict mode needs a trusted key)";

describe('alga-emulator pack', () => {
  it('should write ./bundle.tar.zst in the working folder, say where, and print hash and size', async () => {
    const fx = await cliFixture();
    const expected = await packExtension(fx.ext);
    const { code, out, err } = await fx.run(['pack', 'ext']);
    const file = join(fx.cwd, 'bundle.tar.zst');
    expect(code).toBe(0);
    expect(out).toEqual([`wrote ${file}`, `content hash: ${expected.contentHash}`, `size: ${expected.bytes.byteLength} bytes (${expected.bytes.byteLength} B), 2 files`]);
    expect(err).toEqual(['packing ext…', `packed 2 files, ${expected.bytes.byteLength} B in 0.0 s`]);
    expect(new Uint8Array(await readFile(file))).toEqual(expected.bytes);
  });

  it('should create the folders of --out and print JSON with --json', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['pack', 'ext', '--out', 'out/nested/b.tar.zst', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out.join('\n')) as Record<string, unknown>;
    expect(json).toEqual({ bundle: join(fx.cwd, 'out/nested/b.tar.zst'), contentHash: (await packExtension(fx.ext)).contentHash, size: expect.any(Number), files: ['manifest.json', 'ui/index.html'] });
  });

  it('should warn when a <bundle>.SIGNATURE next to the output signs the previous bundle', async () => {
    const fx = await cliFixture();
    await fx.run(['pack', 'ext']);
    await writeFile(join(fx.cwd, 'bundle.tar.zst.SIGNATURE'), 'old');
    expect((await fx.run(['pack', 'ext'])).err).toHaveLength(2); // same bytes: the signature still holds
    await writeUiExtension(fx.ext, { version: '1.0.1' });
    const { err } = await fx.run(['pack', 'ext']);
    const file = join(fx.cwd, 'bundle.tar.zst');
    expect(err[2]).toBe(`warning: ${file}.SIGNATURE signs the previous bundle, not this one; sign again: alga-emulator sign ${file} --key <private.pem>`);
  });

  it('should refuse a missing path and a file', async () => {
    const fx = await cliFixture();
    expect(await fx.run(['pack', 'nope'])).toEqual({ code: 1, out: [], err: ['error TARGET_NOT_FOUND: nope does not exist. Pass an extension folder holding manifest.json.'] });
    const file = await fx.run(['pack', 'ext/manifest.json']);
    expect(file.err).toEqual(['error NOT_A_FOLDER: ext/manifest.json is a file; pack needs the extension folder that holds manifest.json.']);
  });
});

describe('alga-emulator publish', () => {
  it('should publish a folder, install it for the tenant, and list it', async () => {
    const fx = await cliFixture();
    const { code, out, err } = await fx.run(['publish', 'ext']);
    expect(code).toBe(0);
    const data = await fx.open();
    const [install] = data.registry.installs(DEFAULT_TENANT);
    const devKey = readPrivateKey(devKeyPaths(fx.dataDir).privateKeyPath).keyId;
    expect(out).toEqual([
      'published acme.cli-ui 1.0.0',
      `  registry id: ${install?.registryId}`,
      `  version id: ${install?.versionId}`,
      `  content hash: ${install?.contentHash}`,
      `  signature: dev-signed by key ${devKey} ${DEV_NOTE}`,
      `installed acme.cli-ui 1.0.0 for tenant ${DEFAULT_TENANT}`,
      `  install id: ${install?.installId}`,
    ]);
    expect(err.slice(0, 3)).toEqual(['packing ext…', expect.stringMatching(/^packed 2 files, \d+ B in 0\.0 s$/), expect.stringMatching(/^publishing \d+ B to .*\.emulator…$/)]);
    expect(err.at(-1)).toBe(`installing acme.cli-ui 1.0.0 for tenant ${DEFAULT_TENANT}…`);
    const list = await fx.run(['list']);
    expect(list.out[1]).toBe(`acme.cli-ui  1.0.0    yes      ${install?.contentHash}  ${install?.installId}`);
  });

  it('should print each registry warning once on stderr (dev signing)', async () => {
    const fx = await cliFixture();
    const { err } = await fx.run(['publish', 'ext']);
    const warnings = err.filter((line) => line.startsWith('warning: '));
    const keyId = readPrivateKey(devKeyPaths(fx.dataDir).privateKeyPath).keyId;
    const { contentHash } = await packExtension(fx.ext);
    expect(warnings).toEqual([
      `warning: ${contentHash} is unsigned: signed it with the emulator's dev key ${keyId} (SIGNING_MODE=dev). SIGNING_MODE=strict would refuse it; sign with a key in SIGNING_TRUST_BUNDLE (\`alga-emulator sign\`).`,
    ]);
  });

  it('should publish without installing with --no-install and say how to install', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['publish', 'ext', '--no-install']);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('not installed (--no-install); install it with: alga-emulator install acme.cli-ui --version 1.0.0');
    expect((await fx.run(['list', '--json'])).out).toEqual(['[]']);
  });

  it('should refuse the same version twice with EXTENSION_VERSION_ALREADY_EXISTS', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext']);
    const { code, out, err } = await fx.run(['publish', 'ext']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.at(-1)).toMatch(/^error EXTENSION_VERSION_ALREADY_EXISTS: acme\.cli-ui 1\.0\.0 is already published/);
  });

  it('should list every manifest issue on its own line', async () => {
    const fx = await cliFixture();
    const bad = { ...CLI_UI_MANIFEST, version: 'one', description: 'no', capabilities: ['cap:teleport'] };
    await writeFile(join(fx.ext, 'manifest.json'), JSON.stringify(bad));
    const result = validateManifest(bad);
    const issues = result.ok ? [] : result.issues;
    expect(issues).toHaveLength(3);
    const { code, err } = await fx.run(['publish', 'ext']);
    expect(code).toBe(1);
    expect(err.slice(-4)).toEqual([
      'error INVALID_MANIFEST: manifest.json has 3 issues; fix these fields and publish again:',
      ...issues.map((i) => `  ${i.path}: ${i.message}`),
    ]);
  });

  it('should publish a bundle file with its <bundle>.SIGNATURE, verified in strict mode', async () => {
    const fx = await cliFixture();
    await fx.run(['pack', 'ext']);
    const bundle = join(fx.cwd, 'bundle.tar.zst');
    const key = generateSigningKey();
    const { publicKeyPath } = writeKeyPair(join(fx.cwd, 'keys'), 'release', key);
    await writeFile(`${bundle}.SIGNATURE`, signContentHash((await packExtension(fx.ext)).contentHash, key.privateKeyPem));
    const env = { SIGNING_MODE: 'strict', SIGNING_TRUST_BUNDLE: publicKeyPath };
    const { code, out, err } = await fx.run(['publish', 'bundle.tar.zst', '--json'], env);
    expect(code).toBe(0);
    expect(err[0]).toBe('using the signature in bundle.tar.zst.SIGNATURE');
    const json = JSON.parse(out.join('\n')) as { signature: unknown; warnings: unknown; install: unknown; extension: { id: string } };
    expect(json.signature).toEqual({ status: 'verified', keyId: key.keyId });
    expect(json.warnings).toEqual([]);
    expect(json.install).toEqual({ installId: expect.any(String), tenantId: DEFAULT_TENANT });
  });

  it('should take --signature over the sidecar, and refuse an unsigned bundle in strict mode', async () => {
    const fx = await cliFixture();
    await fx.run(['pack', 'ext']);
    const missing = await fx.run(['publish', 'bundle.tar.zst', '--signature', 'nope.sig']);
    expect(missing.err[0]).toMatch(/^error SIGNATURE_FILE_NOT_FOUND: cannot read the signature file nope\.sig: /);
    const strict = await fx.run(['publish', 'bundle.tar.zst'], { SIGNING_MODE: 'strict' });
    expect(strict.code).toBe(1);
    expect(strict.err.at(-1)).toMatch(/^error SIGNATURE_MISSING: /);
  });
});
