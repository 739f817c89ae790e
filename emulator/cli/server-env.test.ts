import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_PROCESS_ENV, serverEnvPrefix } from './server-env.ts';

const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the servers\' environment', () => {
  it('is MALLOC_ARENA_MAX=2, written as an npm script prefix', () => {
    expect(SERVER_PROCESS_ENV).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(serverEnvPrefix()).toBe('MALLOC_ARENA_MAX=2 ');
  });

  it('prefixes the checkout\'s server scripts, npm run emulate and npm run runner', () => {
    expect(scripts.runner).toBe(`${serverEnvPrefix()}tsx emulator/cli/bin/runner.ts`);
    expect(scripts.emulate).toContain(`&& ${serverEnvPrefix()}tsx emulator/cli/bin/emulate.ts --samples`);
  });
});
