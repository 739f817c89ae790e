import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../cli/server-env.ts';

const SLOT = fileURLToPath(new URL('./worker-slot.ts', import.meta.url));
// Starts one guest worker as the pool does and prints its first message (or the error).
const SCRIPT = `
const { openSlot, closeSlot } = await import(${JSON.stringify(SLOT)});
const slot = openSlot({}, false, []);
slot.worker.once('error', (err) => { console.log('error ' + err.code); process.exit(0); });
slot.worker.once('message', (msg) => { console.log(msg.type); closeSlot(slot); });
`;

async function runWith(flags: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-heap-flags-'));
  try {
    await writeFile(join(dir, 'start-worker.mts'), SCRIPT);
    return await new Promise((resolve, reject) => {
      execFile(process.execPath, [...flags, '--import', 'tsx', join(dir, 'start-worker.mts')], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('guest workers in a server started with V8 flags', () => {
  it('should start and report ready (the process-wide V8 flags are kept out of their execArgv)', async () => {
    expect(SERVER_NODE_FLAGS).toEqual(['--max-semi-space-size=2', '--wasm-lazy-validation']);
    expect(await runWith(SERVER_NODE_FLAGS)).toBe('ready');
  });

  it('should start with no Node options when the server was started with another V8 flag, which Node refuses in a worker', async () => {
    expect(await runWith(['--stack-size=900'])).toBe('ready');
  });
});
