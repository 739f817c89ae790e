// The bench's server processes (test/bench/runner-process.ts) end with the bench, even when a
// figure throws before it stops them.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HELPER = fileURLToPath(new URL('../bench/runner-process.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('bench server processes', () => {
  it('are killed when the bench process exits on an error before stopping them', async () => {
    const script = `
      const { startEchoProcess } = await import(${JSON.stringify(HELPER)});
      const echo = await startEchoProcess();
      console.log(JSON.stringify({ pid: echo.pid }));
      throw new Error('a figure failed');`;
    // The timeout ends a parent that a live child would keep waiting.
    const failed = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 }).then(
      () => undefined,
      (err: { code?: number; stdout?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    const { pid } = JSON.parse(failed?.stdout?.trim().split('\n').pop() ?? '{}') as { pid: number };
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(pid)).toBe(false);
  });
});
