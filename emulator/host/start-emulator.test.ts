// startEmulator's start-up progress hook (the harness names the step a slow start was waiting for)
// and the sweep of expired uploads it runs while up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../clock.ts';
import { bundleOf, manifest } from '../registry/test-support.ts';
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

describe('startEmulator staged-upload sweeps', () => {
  it('should remove an upload left unfinalized past BUNDLE_STAGING_TTL_MS while running, judged on the emulator clock', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emulator-start-'));
    const clock = new VirtualClock();
    // Sweeps run every second of real time here; only the virtual clock ages uploads.
    const emu = await startEmulator({ env: {}, settings: { dataDir, port: 0, runnerPort: 0, stagingTtlMs: 40 }, shell: false, clock });
    try {
      const stage = async (name: string) => {
        const b = await bundleOf(manifest({ name }));
        return (await emu.registry.stageUpload({ bytes: b.bytes, size: b.bytes.length, declaredHash: b.hex })).upload.key;
      };
      const expired = await stage('expired');
      clock.advance(41);
      const fresh = await stage('fresh');
      await vi.waitFor(async () => expect(await emu.store.has(expired)).toBe(false), { timeout: 3000, interval: 20 });
      expect(await emu.store.has(fresh)).toBe(true);
    } finally {
      await emu.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
