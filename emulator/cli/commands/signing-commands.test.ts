import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeContentHash } from '../../bundles/hash.ts';
import { devKeyPaths, parseSignatureText, readPrivateKey } from '../../signing/index.ts';
import { cliFixture, writeUiExtension, type CliFixture } from './test-support.ts';

/** A packed bundle, a key from `keygen` and its signature from `sign`, all in the fixture's folder. */
async function signedBundle(): Promise<{ fx: CliFixture; bundle: string; keyId: string; pub: string }> {
  const fx = await cliFixture();
  await fx.run(['pack', 'ext']);
  expect((await fx.run(['keygen', '--out', 'keys', '--name', 'release'])).code).toBe(0);
  expect((await fx.run(['sign', 'bundle.tar.zst', '--key', 'keys/release.key.pem'])).code).toBe(0);
  const keyId = readPrivateKey(join(fx.cwd, 'keys/release.key.pem')).keyId;
  return { fx, bundle: join(fx.cwd, 'bundle.tar.zst'), keyId, pub: join(fx.cwd, 'keys/release.pub.pem') };
}

describe('alga-emulator keygen', () => {
  it('should write <name>.key.pem (0600) and <name>.pub.pem and print the line that trusts it', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['keygen']);
    expect(code).toBe(0);
    const priv = join(fx.cwd, 'signing.key.pem');
    const pub = join(fx.cwd, 'signing.pub.pem');
    const pair = readPrivateKey(priv);
    expect(out).toEqual([
      `generated ed25519 key ${pair.keyId}`,
      `  private key: ${priv} (mode 0600; keep it secret and out of version control)`,
      `  public key: ${pub}`,
      'trust it (strict mode, verify, doctor) with:',
      `export SIGNING_TRUST_BUNDLE=${pub}`,
    ]);
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    expect(await readFile(pub, 'utf8')).toBe(pair.publicKeyPem);
  });

  it('should make ECDSA P-256 keys on request', async () => {
    const fx = await cliFixture();
    const { out } = await fx.run(['keygen', '--algorithm', 'ecdsa-p256', '--name', 'p256', '--json']);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ algorithm: 'ecdsa-p256', privateKeyPath: join(fx.cwd, 'p256.key.pem') });
    expect(readPrivateKey(join(fx.cwd, 'p256.key.pem')).algorithm).toBe('ecdsa-p256');
  });

  it('should refuse to overwrite a key unless --force', async () => {
    const fx = await cliFixture();
    await fx.run(['keygen']);
    const first = readPrivateKey(join(fx.cwd, 'signing.key.pem')).keyId;
    const again = await fx.run(['keygen']);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([
      `error KEY_EXISTS: ${join(fx.cwd, 'signing.key.pem')} and ${join(fx.cwd, 'signing.pub.pem')} already exist. Pick another --name or --out, or pass --force to replace the key (bundles signed with it then need signing again).`,
    ]);
    expect((await fx.run(['keygen', '--force'])).code).toBe(0);
    expect(readPrivateKey(join(fx.cwd, 'signing.key.pem')).keyId).not.toBe(first);
  });
});

describe('alga-emulator sign', () => {
  it('should write <bundle>.SIGNATURE over the content hash and print key id and hash', async () => {
    const { fx, bundle, keyId } = await signedBundle();
    const hash = computeContentHash(new Uint8Array(await readFile(bundle)));
    const again = await fx.run(['sign', 'bundle.tar.zst', '--key', 'keys/release.key.pem']);
    expect(again.out).toEqual([`signed ${bundle}`, `  content hash: ${hash}`, `  key id: ${keyId} (ed25519)`, `  signature: ${bundle}.SIGNATURE`]);
    expect(parseSignatureText(await readFile(`${bundle}.SIGNATURE`, 'utf8'))).toMatchObject({ kind: 'signature', keyId });
  });

  it('should need --key and a bundle file', async () => {
    const fx = await cliFixture();
    expect((await fx.run(['sign', 'x.tar.zst'])).err).toEqual(['error USAGE: "sign" needs --key. Run `alga-emulator sign --help`.']);
    const folder = await fx.run(['sign', 'ext', '--key', 'k.pem']);
    expect(folder.err).toEqual(['error NOT_A_BUNDLE: ext is a folder; sign needs a bundle file. Pack it first: `alga-emulator pack ext --out bundle.tar.zst`.']);
  });
});

describe('alga-emulator verify', () => {
  it('should verify in strict mode with the key trusted (--trust or SIGNING_TRUST_BUNDLE)', async () => {
    const { fx, keyId, pub } = await signedBundle();
    const byFlag = await fx.run(['verify', 'bundle.tar.zst', '--trust', 'keys/release.pub.pem']);
    expect(byFlag).toEqual({ code: 0, out: [`verified by ${keyId}`], err: ['checking bundle.tar.zst.SIGNATURE against 1 trusted key (mode strict)'] });
    const byEnv = await fx.run(['verify', 'bundle.tar.zst'], { SIGNING_TRUST_BUNDLE: pub });
    expect(byEnv.out).toEqual([`verified by ${keyId}`]);
  });

  it('should refuse a tampered bundle with SIGNATURE_INVALID', async () => {
    const { fx, bundle, pub } = await signedBundle();
    const signature = await readFile(`${bundle}.SIGNATURE`, 'utf8');
    await writeUiExtension(fx.ext, { version: '1.0.1' });
    await fx.run(['pack', 'ext']); // a different archive under the old signature
    await writeFile(`${bundle}.SIGNATURE`, signature);
    const { code, out, err } = await fx.run(['verify', 'bundle.tar.zst', '--trust', pub]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err[1]).toMatch(/^error SIGNATURE_INVALID: Cannot accept bundle signature: the signature by key sha256:[0-9a-f]{32} does not match bundle /);
  });

  it('should refuse a signature by an untrusted key with SIGNATURE_UNTRUSTED', async () => {
    const { fx, keyId } = await signedBundle();
    await fx.run(['keygen', '--name', 'other']);
    const { code, err } = await fx.run(['verify', 'bundle.tar.zst', '--trust', 'other.pub.pem']);
    expect(code).toBe(1);
    expect(err[1]).toMatch(new RegExp(`^error SIGNATURE_UNTRUSTED: Cannot accept bundle signature: bundle sha256:[0-9a-f]{64} is signed by key ${keyId}, which is not trusted\\.`));
  });

  it('should refuse an unsigned bundle in strict mode, even when SIGNING_MODE says off', async () => {
    const fx = await cliFixture();
    await fx.run(['pack', 'ext']);
    const { code, err } = await fx.run(['verify', 'bundle.tar.zst'], { SIGNING_MODE: 'off' });
    expect(code).toBe(1);
    expect(err[0]).toBe('checking no signature file against 0 trusted keys (mode strict)');
    expect(err[1]).toMatch(/^error SIGNATURE_MISSING: /);
  });

  it('should trust the data folder\'s dev key in dev mode only, and accept unsigned bundles there', async () => {
    const fx = await cliFixture();
    await fx.run(['publish', 'ext']); // creates the dev key
    await fx.run(['pack', 'ext']);
    const unsigned = await fx.run(['verify', 'bundle.tar.zst', '--mode', 'dev']);
    expect(unsigned.code).toBe(0);
    expect(unsigned.out).toEqual(['not verified: the bundle is unsigned (accepted in dev mode)']);
    expect(unsigned.err[1]).toMatch(/^warning: /);
    await fx.run(['sign', 'bundle.tar.zst', '--key', devKeyPaths(fx.dataDir).privateKeyPath]);
    const devKey = readPrivateKey(devKeyPaths(fx.dataDir).privateKeyPath).keyId;
    expect((await fx.run(['verify', 'bundle.tar.zst', '--mode', 'dev'])).out).toEqual([`verified by ${devKey}`]);
    expect((await fx.run(['verify', 'bundle.tar.zst'])).err[1]).toMatch(/^error SIGNATURE_UNTRUSTED: /);
  });

  it('should read --signature instead of the sidecar and skip everything in off mode', async () => {
    const { fx, bundle, keyId } = await signedBundle();
    await writeFile(join(fx.cwd, 'moved.sig'), await readFile(`${bundle}.SIGNATURE`));
    await writeFile(`${bundle}.SIGNATURE`, 'garbage');
    expect((await fx.run(['verify', 'bundle.tar.zst', '--signature', 'moved.sig', '--trust', 'keys/release.pub.pem'])).out).toEqual([`verified by ${keyId}`]);
    const contentHash = computeContentHash(await readFile(bundle));
    expect(JSON.parse((await fx.run(['verify', 'bundle.tar.zst', '--mode', 'off', '--json'])).out.join('\n'))).toEqual({ bundle, contentHash, mode: 'off', status: 'skipped', keyId: null });
  });
});
