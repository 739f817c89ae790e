import { describe, expect, it } from 'vitest';
import type { ExecuteOutcome } from '../emulator/index.ts';
import { OutcomeIndex } from './outcome-index.ts';

const outcome = (status: number): ExecuteOutcome => ({
  envelope: { status, headers: {}, body_b64: null, error: null },
  hostCalls: [{ interface: 'alga:extension/storage', function: 'get', outcome: 'ok', durationMs: 1 }],
});
const request = (requestId: string | undefined) => ({ tenantId: 't1', extensionId: 'e1', requestId });

describe('OutcomeIndex', () => {
  it('should hand out the outcome of a request id once', () => {
    const index = new OutcomeIndex();
    index.record(outcome(200), request('r1'));
    expect(index.take('r1')).toEqual({ ...outcome(200), tenantId: 't1', extensionId: 'e1' });
    expect(index.take('r1')).toBeUndefined();
  });

  it('should keep the latest outcome of a reused request id, and forget one on request', () => {
    const index = new OutcomeIndex();
    index.record(outcome(200), request('r1'));
    index.record(outcome(404), request('r1'));
    expect(index.take('r1')?.envelope.status).toBe(404);
    index.record(outcome(200), request('r2'));
    index.forget('r2');
    expect([index.take('r2'), index.size]).toEqual([undefined, 0]);
  });

  it('should drop the oldest outcomes beyond its capacity', () => {
    const index = new OutcomeIndex(2);
    for (const id of ['a', 'b', 'c']) index.record(outcome(200), request(id));
    expect([index.size, index.take('a'), index.take('b')?.envelope.status, index.take('c')?.envelope.status]).toEqual([2, undefined, 200, 200]);
  });

  it('should not keep outcomes without a request id, nor copy the caller a live host-call array', () => {
    const index = new OutcomeIndex();
    index.record(outcome(200), request(undefined));
    index.record(outcome(200), request(''));
    expect(index.size).toBe(0);
    const recorded = outcome(200);
    index.record(recorded, request('r'));
    recorded.hostCalls.push({ interface: 'x', function: 'y', outcome: 'ok', durationMs: 0 });
    expect(index.take('r')?.hostCalls).toHaveLength(1);
  });

  it('should refuse a capacity below one', () => {
    expect(() => new OutcomeIndex(0)).toThrow('OutcomeIndex capacity must be a whole number ≥ 1, got 0');
  });
});
