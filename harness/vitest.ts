import { afterAll, beforeAll, beforeEach } from 'vitest';
import { EmulatorError } from '../emulator/index.ts';
import { createEmulator, type CreateEmulatorOptions, type TestEmulator } from './create-emulator.ts';
import type { Snapshot } from './snapshot-api.ts';

export interface UseEmulatorOptions extends CreateEmulatorOptions {
  /**
   * Runs once after start-up: install extensions, seed state. What it leaves is the state every
   * test starts from (with `isolate`).
   */
  setup?: (emu: TestEmulator) => Promise<void> | void;
  /** Restore the state `setup` left before each test (`emu.snapshot()` / `emu.restore()`); default true. */
  isolate?: boolean;
  /**
   * When a test fails, print the invocations it made (host calls with arguments and results or
   * WIT errors) and their log lines; default true (to stderr, next to the failure). A function
   * receives the text instead; `false` turns it off.
   */
  reportFailures?: boolean | ((text: string, testName: string) => void);
}

/**
 * One emulator for the test file: started in `beforeAll`, set up once, restored before each test,
 * closed in `afterAll`; a failing test prints what the extension did. Returns the emulator (usable
 * inside tests and hooks, once `beforeAll` has run).
 *
 * @example
 * let ext: InstallResult;
 * const emu = useEmulator({ setup: async (e) => { ext = await e.install('hello-host'); } });
 * it('counts from 1 in every test', async () => {
 *   expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json()).toEqual({ count: 1, revision: '1' });
 * });
 */
export function useEmulator(options: UseEmulatorOptions = {}): TestEmulator {
  const { setup, isolate = true, reportFailures = true, ...createOptions } = options;
  const state: { emu: TestEmulator | undefined; clean: Snapshot | undefined } = { emu: undefined, clean: undefined };
  const print = typeof reportFailures === 'function' ? reportFailures : (text: string, name: string) => console.error(`${name}\n${text}`);

  beforeAll(async () => {
    const emu = await createEmulator(createOptions);
    state.emu = emu;
    await setup?.(emu);
    if (isolate) state.clean = await emu.snapshot();
  });
  beforeEach(async (context) => {
    const emu = state.emu;
    if (!emu) return;
    if (state.clean) await emu.restore(state.clean);
    if (reportFailures === false) return;
    const mark = emu.activityMark();
    context.onTestFailed(() => print(emu.report(mark), context.task.name));
  });
  afterAll(async () => {
    await state.emu?.close();
  });

  return new Proxy({} as TestEmulator, {
    get(_target, property) {
      const emu = state.emu;
      if (!emu) {
        throw new EmulatorError(
          'EMULATOR_NOT_STARTED',
          `Failed to use the emulator (.${String(property)}): it starts in beforeAll. Use it inside tests and hooks, not at the top level of the file.`,
        );
      }
      const value = Reflect.get(emu, property, emu) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(emu) : value;
    },
  });
}
