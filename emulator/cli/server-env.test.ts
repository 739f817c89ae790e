import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV, serverEnvPrefix, serverNodeFlags, serverNodeFlagsArgs } from './server-env.ts';

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
