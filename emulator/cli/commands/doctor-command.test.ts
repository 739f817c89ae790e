import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDoctorReport, runDoctor } from '../../doctor/index.ts';
import { TrustStore } from '../../signing/index.ts';
import { CLI_UI_MANIFEST, cliFixture } from './test-support.ts';

describe('alga-emulator doctor', () => {
  it('should report every problem of a broken folder and exit 1', async () => {
    const fx = await cliFixture();
    await writeFile(join(fx.ext, 'manifest.json'), JSON.stringify({ ...CLI_UI_MANIFEST, description: 'x', api: { endpoints: [{ method: 'GET', path: '/a', handler: 'h' }] } }));
    await writeFile(join(fx.ext, 'ui/favicon.ico'), 'ico');
    const { code, out, err } = await fx.run(['doctor', 'ext']);
    expect(code).toBe(1);
    const expected = await runDoctor(fx.ext, { mode: 'dev', trust: TrustStore.fromPems([]) });
    expect(expected.problems.map((p) => p.code)).toEqual(['INVALID_MANIFEST', 'WASM_MISSING', 'UI_ASSET_TYPE']);
    expect(out).toEqual(formatDoctorReport(expected).split('\n'));
    expect(out.at(-1)).toBe('FAILED: 3 problems, 1 warning');
    expect(err[0]).toBe('doctor: reading the bundle…');
    expect(err.every((line) => line.startsWith('doctor: '))).toBe(true);
  });

  it('should pass a good folder with only the unsigned warning in dev mode', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['doctor', 'ext']);
    expect(code).toBe(0);
    expect(out[1]).toBe('checked: archive, entries, manifest, wasm, ui, signature');
    expect(out.at(-1)).toBe('OK: 0 problems, 1 warning');
  });

  it('should judge by --mode and --trust, reading <bundle>.SIGNATURE', async () => {
    const fx = await cliFixture();
    await fx.run(['pack', 'ext']);
    const strictUnsigned = await fx.run(['doctor', 'bundle.tar.zst', '--mode', 'strict', '--json']);
    expect(strictUnsigned.code).toBe(1);
    expect(JSON.parse(strictUnsigned.out.join('\n'))).toMatchObject({ ok: false, problems: [{ code: 'SIGNATURE_MISSING' }] });
    await fx.run(['keygen']);
    await fx.run(['sign', 'bundle.tar.zst', '--key', 'signing.key.pem']);
    const signed = await fx.run(['doctor', 'bundle.tar.zst', '--mode', 'strict', '--trust', 'signing.pub.pem']);
    expect(signed.code).toBe(0);
    expect(signed.out.at(-1)).toBe('OK: 0 problems, 0 warnings');
  });

  it('should take SIGNING_MODE from the environment when --mode is absent', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['doctor', 'ext'], { SIGNING_MODE: 'strict' });
    expect(code).toBe(1);
    expect(out.at(-1)).toBe('FAILED: 1 problem, 0 warnings');
  });

  it('should report a missing target as a problem', async () => {
    const fx = await cliFixture();
    const { code, out } = await fx.run(['doctor', 'nope']);
    expect(code).toBe(1);
    expect(out[2]).toBe(`ERROR TARGET_NOT_FOUND ${join(fx.cwd, 'nope')}: ${join(fx.cwd, 'nope')} is not an extension folder or a bundle file. Fix: Pass an extension folder (holding manifest.json) or a bundle.tar.zst file.`);
  });
});
