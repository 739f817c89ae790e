import { describe, expect, it } from 'vitest';
import { alternatingRounds, concurrentRps, interleavedSamples, median, percentile } from '../bench/interleave.ts';

/** A clock that moves only when a fake call says so, and the log of which side was called. */
function fakeServers(durations: Record<string, number[]>) {
  let time = 0;
  const order: string[] = [];
  const made = Object.fromEntries(Object.keys(durations).map((name) => [name, 0]));
  const call = (name: string) => async () => {
    order.push(name);
    const list = durations[name] ?? [];
    time += list[(made[name] = (made[name] ?? 0) + 1) - 1] ?? 0;
  };
  return { now: () => time, order, call };
}

describe('interleavedSamples', () => {
  it('should call the sides in turn and keep each side\'s durations after the warm-up', async () => {
    const fake = fakeServers({ gateway: [9, 9, 3, 4], miniflare: [8, 8, 5, 6] });
    const samples = await interleavedSamples({ gateway: fake.call('gateway'), miniflare: fake.call('miniflare') }, 2, 2, fake.now);
    expect(fake.order).toEqual(['gateway', 'miniflare', 'gateway', 'miniflare', 'gateway', 'miniflare', 'gateway', 'miniflare']);
    expect(samples).toEqual({ gateway: [3, 4], miniflare: [5, 6] });
  });

  it('should stop at the first call that throws', async () => {
    const fake = fakeServers({ gateway: [1] });
    const failing = async () => { throw new Error('Miniflare answered 500: boom'); };
    await expect(interleavedSamples({ gateway: fake.call('gateway'), miniflare: failing }, 3, 0, fake.now)).rejects.toThrow('Miniflare answered 500: boom');
    expect(fake.order).toEqual(['gateway']);
  });
});

describe('concurrentRps', () => {
  it('should make exactly `total` calls and divide them by the elapsed seconds', async () => {
    const fake = fakeServers({ gateway: Array.from({ length: 10 }, () => 25) });
    expect(await concurrentRps(fake.call('gateway'), 10, 4, fake.now)).toBe(40);
    expect(fake.order).toHaveLength(10);
  });
});

describe('alternatingRounds', () => {
  it('should run whole rounds side by side in turn and give each side its req/s per round', async () => {
    const fake = fakeServers({ gateway: [100, 100, 50, 50], miniflare: [200, 200, 20, 20] });
    const rps = await alternatingRounds({ gateway: fake.call('gateway'), miniflare: fake.call('miniflare') }, 2, 2, 1, fake.now);
    expect(fake.order).toEqual(['gateway', 'gateway', 'miniflare', 'miniflare', 'gateway', 'gateway', 'miniflare', 'miniflare']);
    expect(rps).toEqual({ gateway: [10, 20], miniflare: [5, 50] });
  });
});

describe('percentile and median', () => {
  it('should pick the nearest-rank value of the sorted samples, as the bench table does', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(6);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([])).toBeNaN();
  });
});
