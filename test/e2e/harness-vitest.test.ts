// Runs the author project in test/fixtures/vitest-recipes with its own Vitest, as an author's
// CI would: the globalSetup + provide/inject recipe passes, useEmulator isolates each test, and a
// failing test prints the invocations and logs of exactly that test.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROJECT = fileURLToPath(new URL('../fixtures/vitest-recipes', import.meta.url));

describe('the harness inside an author’s Vitest run', () => {
  it('should pass the provide/inject recipe and print the activity of the failing test only', async () => {
    const run = await promisify(execFile)(`${ROOT}node_modules/.bin/vitest`, ['run', '--root', PROJECT, '--reporter', 'verbose', '--no-color'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 120_000,
    }).then(() => ({ code: 0, stdout: '', stderr: '' }), (err: { code: number; stdout: string; stderr: string }) => err);
    expect(run.code).toBe(1);
    const out = `${run.stdout}\n${run.stderr}`.replace(/\d+(\.\d+)? ?ms/g, '<t>');
    expect(out).toMatch(/✓ provide\.recipe\.ts > reaches hello-host through the emulator the globalSetup started/);
    expect(out).toMatch(/✓ failing\.recipe\.ts > counts from 1 in each test \(2\/2\)/);
    expect(out).toMatch(/× failing\.recipe\.ts > fails on purpose, so the harness prints what the extension did/);
    expect(out).toContain('Tests  1 failed | 3 passed (4)');
    const report = out.slice(out.indexOf('alga emulator:'), out.indexOf('log info: POST /counter') + 'log info: POST /counter'.length);
    expect(report.split('\n')).toEqual([
      'alga emulator: 1 invocation during this test',
      expect.stringMatching(/^● request failing-1 · tenant 00000000-0000-4000-8000-000000000001 · extension [0-9a-f-]{36}$/),
      '  grants: cap:context.read, cap:log.emit, cap:user.read, cap:storage.kv, cap:secrets.get, cap:http.fetch',
      '  logging.logInfo("POST /counter") → ok (<t>)',
      '  storage.get("hello-host","counter") → err missing (<t>)',
      '  storage.put({"namespace":"hello-host","key":"counter","value":{"bytes":1,"utf8":"1"}}) → ok {"namespace":"hello-host","key":"counter","value":{"bytes":1,"utf8":"1"},"revision":"1"} (<t>)',
      '  log info: POST /counter',
    ]);
  }, 150_000);
});
