import { replay as replayCassette, type Cassette, type ReplayOptions, type ReplayReport, type ReplaySource } from '../emulator/index.ts';
import { harnessCacheDir } from './create-emulator.ts';

/**
 * Replays every call of `cassette` (the object, or the path of a file `emu.record()` wrote)
 * against `bundle` (a folder with dist/main.wasm, a .tar.zst or its bytes), offline: no
 * emulator, storage, secrets or network; host calls are answered from the cassette. Transpiles
 * into the cache `createEmulator` shares unless `options.cacheDir` names another. Rejects only
 * when the cassette or the bundle cannot be read.
 * @example
 * const report = await replay('test/traffic.cassette.json', '.');
 * expect(report.ok, formatReplayReport(report)).toBe(true);
 */
export function replay(cassette: Cassette | string, bundle: ReplaySource, options: ReplayOptions = {}): Promise<ReplayReport> {
  return replayCassette(cassette, bundle, { ...options, cacheDir: options.cacheDir ?? harnessCacheDir() });
}
