import { describe, expect, it } from 'vitest';
import { cliFixture, DEFAULT_TENANT } from './test-support.ts';

describe('alga-emulator schedules', () => {
  it('should list an install without schedules, and refuse to run an unknown schedule with SCHEDULE_NOT_FOUND', async () => {
    const fx = await cliFixture();
    expect((await fx.run(['publish', 'ext'])).code).toBe(0);
    const list = await fx.run(['schedules', 'list', 'cli-ui']);
    expect([list.code, list.out]).toEqual([0, [`schedules of acme.cli-ui for tenant ${DEFAULT_TENANT}`, '  (none)']]);
    const run = await fx.run(['schedules', 'run', '7a1c3f3e-0000-4000-8000-000000000000']);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain('Failed to find schedule 7a1c3f3e-0000-4000-8000-000000000000: no install has it');
  });
});
