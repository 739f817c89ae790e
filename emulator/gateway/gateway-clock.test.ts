// The Gateway on an injected clock: the rate limit refills on `now`, durations on `stopwatch`.
import { afterEach, describe, expect, it } from 'vitest';
import { TENANT } from '../registry/test-support.ts';
import { envelopeReply, json, openGatewayFixture, type GatewayFixture } from './test-support.ts';

let f: GatewayFixture;
afterEach(async () => f?.close());

describe('Gateway clock', () => {
  it('should refill the rate limit only when its clock moves', async () => {
    f = await openGatewayFixture({ rateLimit: { burst: 1, perSecond: 1 } });
    f.runner.reply = () => envelopeReply();
    expect((await f.call()).status).toBe(200);
    const limited = await f.call();
    expect([limited.status, json(limited), limited.headers['retry-after']]).toEqual([429, { error: 'rate_limited' }, '1']);
    f.clock.ms += 999;
    expect((await f.call()).status).toBe(429);
    f.clock.ms += 1;
    expect((await f.call()).status).toBe(200);
  });

  it('should measure duration_ms on the stopwatch when one is given, not on the clock', async () => {
    const stopwatch = { ms: 0 };
    f = await openGatewayFixture({ stopwatch: () => stopwatch.ms });
    f.runner.reply = () => {
      stopwatch.ms += 12;
      f.clock.ms += 60_000;
      return envelopeReply();
    };
    await f.call();
    const [row] = f.t.registry.executionLog({ tenantId: TENANT });
    expect(row?.metrics?.duration_ms).toBe(12);
  });
});
