import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LINE_BATCH_MS, jsonLines } from './json-lines.ts';

afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const writes: string[] = [];
  return { writes, lines: jsonLines((text) => writes.push(text)) };
}

describe('jsonLines', () => {
  it(`writes ordinary lines together, in order, ${LINE_BATCH_MS} ms after the first`, () => {
    vi.useFakeTimers();
    const { writes, lines } = recorder();
    lines.log({ level: 'info', msg: 'a' });
    lines.log({ level: 'debug', msg: 'b' });
    lines.log({ msg: 'c' });
    vi.advanceTimersByTime(LINE_BATCH_MS - 1);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['{"level":"info","msg":"a"}\n{"level":"debug","msg":"b"}\n{"msg":"c"}\n']);
  });

  it('writes a warning or an error at once, after every line kept before it', () => {
    vi.useFakeTimers();
    const { writes, lines } = recorder();
    lines.log({ level: 'info', msg: 'a' });
    lines.log({ level: 'warn', msg: 'w' });
    expect(writes).toEqual(['{"level":"info","msg":"a"}\n{"level":"warn","msg":"w"}\n']);
    lines.log({ level: 'error', msg: 'e' });
    expect(writes).toEqual(['{"level":"info","msg":"a"}\n{"level":"warn","msg":"w"}\n', '{"level":"error","msg":"e"}\n']);
    vi.advanceTimersByTime(LINE_BATCH_MS);
    expect(writes).toHaveLength(2);
  });

  it('writes kept lines on flush() and then nothing more, and at once once 64 KiB are kept', () => {
    vi.useFakeTimers();
    const { writes, lines } = recorder();
    lines.log({ msg: 'a' });
    lines.flush();
    lines.flush();
    vi.advanceTimersByTime(LINE_BATCH_MS);
    expect(writes).toEqual(['{"msg":"a"}\n']);
    const long = 'x'.repeat(40 * 1024);
    lines.log({ msg: long });
    expect(writes).toHaveLength(1);
    lines.log({ msg: long });
    expect(writes).toEqual(['{"msg":"a"}\n', `{"msg":"${long}"}\n{"msg":"${long}"}\n`]);
  });
});

describe('npm run runner', () => {
  let dataDir = '';
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its listening line at once and stops cleanly on SIGTERM', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'runner-cli-'));
    const cli = fileURLToPath(new URL('./bin/runner.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli], {
      env: { ...process.env, PORT: '0', EMULATOR_DATA_DIR: dataDir, RUNNER_WARM_TRANSPILER: 'off', RUNNER_PRELOAD_COMPONENTS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within 30 s; stdout so far: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const line = out.split('\n').find((l) => l.includes('"runner listening"'));
        if (!line) return;
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      });
    });
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 60_000);
});
