import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, RunnerFixture, executeBody } from '../../harness/runner-fixture.ts';

/** Starts `npm run emulate`'s script and collects its output until the first curl is printed. */
async function startEmulate(dataDir: string): Promise<{ output: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'emulator/cli/bin/emulate.ts'), '--samples'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', RUNNER_PORT: '0', EMULATOR_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulate exited with ${code}: ${output}`)));
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/-d '.*'\n/.test(output)) resolve();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  });
  return {
    output,
    stop: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    }),
  };
}

describe('npm run emulate', () => {
  it('prints a Gateway curl and a Runner curl that work as printed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emulate-test-'));
    const emulate = await startEmulate(dataDir);
    try {
      const lines = emulate.output.split('\n');
      const start = lines.findIndex((l) => l.trimStart().startsWith('curl -s '));
      expect(lines[start]).toMatch(/^ {2}curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/api\/ext\/alga-emulator\.hello-host\/counter -H 'authorization: Bearer alga_dev_tok_[0-9a-f]{32}'$/);
      const viaGateway = JSON.parse(execFileSync('sh', ['-c', lines[start] ?? ''], { encoding: 'utf8' })) as unknown;
      expect(viaGateway).toEqual({ count: 1, revision: '1' });
      const runnerStart = lines.findIndex((l, i) => i > start && l.trimStart().startsWith('curl -s '));
      const command = lines.slice(runnerStart, runnerStart + 3).join('\n');
      const answer = JSON.parse(execFileSync('sh', ['-c', command], { encoding: 'utf8' })) as { status: number; body_b64: string; error: null };
      expect(answer.status).toBe(200);
      expect(answer.error).toBeNull();
      expect(JSON.parse(Buffer.from(answer.body_b64, 'base64').toString())).toEqual({ count: 2, revision: '2' });
    } finally {
      await emulate.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('runner health and hostile routing headers', () => {
  it('answers 503 when the cache folder is not writable and reports an unreachable store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'health-test-'));
    const notAFolder = join(dir, 'file');
    await writeFile(notAFolder, 'x');
    const fx = await RunnerFixture.start({ cacheRoot: join(notAFolder, 'cache'), bundleStoreBase: join(notAFolder, 'store') });
    try {
      const res = await fetch(`${fx.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ cache_writable: false, bundle_store: 'bundle_store_unreachable', ext_cache_max_bytes: null });
    } finally {
      await fx.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses routing headers that would escape the bundle store', async () => {
    const fx = await RunnerFixture.start();
    try {
      const body = executeBody('ext', `sha256:${'f'.repeat(64)}`, 'GET', '/');
      const res = await fx.execute(body, { 'x-alga-tenant': '../../etc' });
      expect([res.envelope.status, res.envelope.error]).toEqual([
        502,
        'bundle_fetch_failed: invalid bundle key: tenant "../../etc" must be a non-empty name without "/", "\\", ".." or NUL. Check the tenant sent with the request.',
      ]);
    } finally {
      await fx.close();
    }
  });
});
