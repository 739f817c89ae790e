// startEmulator's start-up progress hook (the harness names the step a slow start was waiting for).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './start-emulator.ts';

describe('startEmulator onProgress', () => {
  it('should report each start-up step as what it waits for, in order', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emulator-start-'));
    const steps: string[] = [];
    const emu = await startEmulator({ env: {}, settings: { dataDir, port: 0, runnerPort: 0 }, shell: false, onProgress: (step) => steps.push(step) });
    try {
      expect(steps).toEqual(['the registry to open', 'the Runner to listen', 'the main port to listen']);
    } finally {
      await emu.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
