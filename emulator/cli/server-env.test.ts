import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNNING_FLAGS_DELAY_MS, SERVER_NODE_FLAGS, SERVER_PROCESS_ENV, SERVER_RUNNING_V8_FLAGS, serverEnvPrefix, serverNodeFlags, serverNodeFlagsArgs, setRunningFlagsLater } from './server-env.ts';

const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the servers\' environment', () => {
  it('is MALLOC_ARENA_MAX=2 and MALLOC_MMAP_THRESHOLD_=131072, written as an npm script prefix', () => {
    expect(SERVER_PROCESS_ENV).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(serverEnvPrefix()).toBe('MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 ');
  });

  it('starts Node with --max-semi-space-size=2 and --wasm-lazy-validation, written as options after tsx', () => {
    expect(SERVER_NODE_FLAGS).toEqual(['--max-semi-space-size=2', '--wasm-lazy-validation']);
    expect(serverNodeFlagsArgs()).toBe('--max-semi-space-size=2 --wasm-lazy-validation ');
  });

  it('leaves out the options the user\'s NODE_OPTIONS sets', () => {
    expect(serverNodeFlags({})).toEqual(['--max-semi-space-size=2', '--wasm-lazy-validation']);
    expect(serverNodeFlags({ NODE_OPTIONS: '--inspect' })).toEqual(['--max-semi-space-size=2', '--wasm-lazy-validation']);
    expect(serverNodeFlags({ NODE_OPTIONS: ' --inspect  --max_semi_space_size=32 ' })).toEqual(['--wasm-lazy-validation']);
  });

  it('prefixes the checkout\'s server scripts, npm run emulate and npm run runner', () => {
    expect(scripts.runner).toBe(`${serverEnvPrefix()}tsx ${serverNodeFlagsArgs()}emulator/cli/bin/runner.ts`);
    expect(scripts.emulate).toContain(`&& ${serverEnvPrefix()}tsx ${serverNodeFlagsArgs()}emulator/cli/bin/emulate.ts --samples`);
  });
});

describe('the options a server sets once it runs', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('are --heap-growing-percent=50, set 3 s after listening, options this Node knows', () => {
    expect([SERVER_RUNNING_V8_FLAGS, RUNNING_FLAGS_DELAY_MS]).toEqual([['--heap-growing-percent=50'], 3000]);
    // setFlagsFromString ignores an option V8 does not have: a misspelt one would do nothing.
    const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const flag of SERVER_RUNNING_V8_FLAGS) expect(known).toContain(`  ${flag.split('=')[0]} (`);
  });

  it('are set after the delay, not before, by a timer that does not keep the process alive', async () => {
    const set: string[] = [];
    const timer = setRunningFlagsLater({}, 40, (flag) => set.push(flag));
    expect([set, timer.hasRef()]).toEqual([[], false]);
    await sleep(100);
    expect(set).toEqual(['--heap-growing-percent=50']);
  });

  it("leave out what the user's NODE_OPTIONS sets", async () => {
    const set: string[] = [];
    setRunningFlagsLater({ NODE_OPTIONS: '--inspect --heap_growing_percent=25' }, 0, (flag) => set.push(flag));
    await sleep(20);
    expect(set).toEqual([]);
  });

  it('are set by the servers users start, once they are up', () => {
    const source = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
    expect(source('./bin/runner.ts')).toMatch(/msg: 'runner listening'.*\n {2}lines\.flush\(\);\n {2}setRunningFlagsLater\(process\.env\);/);
    expect(source('./bin/emulate.ts')).toMatch(/printInstall\(emu, `\$\{folder\} \(watched\)`, install\);\n {2}\}\n {2}setRunningFlagsLater\(process\.env\);/);
  });
});
