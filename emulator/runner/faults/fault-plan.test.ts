import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../errors.ts';
import { fakeScope } from '../../capabilities/test-support.ts';
import { WitError } from '../../contracts/invocation.ts';
import type { DebugEvent } from '../../contracts/debug-event.ts';
import { FaultPlan, applyFault, type FaultCall, type FaultRule } from './fault-plan.ts';

const STORAGE = 'alga:extension/storage';
const call = (fn: string, iface = STORAGE, extra: Partial<FaultCall> = {}): FaultCall => ({ iface, fn, tenantId: 'tenant-a', extensionId: 'ext-1', ...extra });
const admitted = () => true;

/** The fault a call gets (error, latency), or 'none'. */
function take(plan: FaultPlan, c: FaultCall, admits: () => boolean = admitted) {
  const fault = plan.take(c, admits);
  return fault ? [fault.call, fault.error, fault.latencyMs] : 'none';
}

function injectError(rule: unknown): EmulatorError {
  try {
    new FaultPlan().inject(rule as FaultRule);
  } catch (err) {
    if (err instanceof EmulatorError) return err;
    throw err;
  }
  throw new Error('expected FAULT_INVALID, nothing was thrown');
}

describe('FaultPlan', () => {
  it('should fail the next 2 calls of storage.put, then let calls through', () => {
    const plan = new FaultPlan();
    const handle = plan.inject({ capability: 'storage.put', error: 'internal', times: 2 });
    expect([handle.remaining, handle.used]).toEqual([2, 0]);
    expect(take(plan, call('get'))).toBe('none');
    expect([take(plan, call('put')), take(plan, call('put')), take(plan, call('put'))]).toEqual([['storage.put', 'internal', 0], ['storage.put', 'internal', 0], 'none']);
    expect([handle.remaining, handle.used]).toEqual([0, 2]);
    expect(plan.pending()).toEqual([]);
  });

  it('should not use up a fault on a call its grant checks refuse, nor ask them when no rule matches', () => {
    const plan = new FaultPlan();
    const handle = plan.inject({ capability: 'storage.put', error: 'internal' });
    let asked = 0;
    const refuse = () => {
      asked += 1;
      return false;
    };
    expect(take(plan, call('get'), refuse)).toBe('none');
    expect(asked).toBe(0);
    expect(take(plan, call('put'), refuse)).toBe('none');
    expect([asked, handle.remaining]).toEqual([1, 1]);
    expect(take(plan, call('put'))).toEqual(['storage.put', 'internal', 0]);
  });

  it('should apply a capability-wide error rule only to functions whose error type has the case', () => {
    const plan = new FaultPlan();
    plan.inject({ capability: 'secrets', error: 'missing', times: Number.POSITIVE_INFINITY });
    expect(take(plan, call('listKeys', 'alga:extension/secrets'))).toBe('none');
    expect(take(plan, call('get', 'alga:extension/secrets'))).toEqual(['secrets.get', 'missing', 0]);
    expect(plan.pending()[0]?.remaining).toBe(Number.POSITIVE_INFINITY);
  });

  it('should delay every function of a capability with a latency-only rule', () => {
    const plan = new FaultPlan();
    plan.inject({ capability: 'secrets', latencyMs: 30, times: 2 });
    expect([take(plan, call('listKeys', 'alga:extension/secrets')), take(plan, call('get', 'alga:extension/secrets'))]).toEqual([
      ['secrets.listKeys', undefined, 30],
      ['secrets.get', undefined, 30],
    ]);
  });

  it('should use the oldest matching rule first', () => {
    const plan = new FaultPlan();
    plan.inject({ capability: 'storage', error: 'conflict' });
    plan.inject({ capability: 'storage.put', error: 'internal' });
    expect([take(plan, call('put')), take(plan, call('put'))]).toEqual([['storage.put', 'conflict', 0], ['storage.put', 'internal', 0]]);
  });

  it('should scope a rule to a tenant and an extension', () => {
    const plan = new FaultPlan();
    plan.inject({ capability: 'storage.put', error: 'internal', tenantId: 'tenant-b', extensionId: 'ext-2' });
    expect([take(plan, call('put')), take(plan, call('put', STORAGE, { tenantId: 'tenant-b' })), take(plan, call('put', STORAGE, { extensionId: 'ext-2' }))]).toEqual(['none', 'none', 'none']);
    expect(take(plan, call('put', STORAGE, { tenantId: 'tenant-b', extensionId: 'ext-2' }))).toEqual(['storage.put', 'internal', 0]);
  });

  it('should accept WIT kebab-case and prefixed names, and resolve the rule with its defaults', () => {
    const plan = new FaultPlan();
    expect(plan.inject({ capability: 'alga:extension/storage.list-entries', error: 'internal' }).rule).toEqual({
      capability: 'storage.listEntries', error: 'internal', message: 'injected fault', latencyMs: 0, times: 1, tenantId: undefined, extensionId: undefined,
    });
    expect(take(plan, call('listEntries'))).toEqual(['storage.listEntries', 'internal', 0]);
  });

  it('should never change the caller\'s rule, and clear() should drop every rule', () => {
    const plan = new FaultPlan();
    const rule = Object.freeze({ capability: ' http.fetch ', error: 'transport', times: 3 });
    plan.inject(rule);
    plan.inject({ capability: 'storage', latencyMs: 5 });
    expect(plan.pending().map((h) => [h.rule.capability, h.remaining])).toEqual([['http.fetch', 3], ['storage', 1]]);
    plan.clear();
    expect(plan.pending()).toEqual([]);
    expect(take(plan, call('fetch', 'alga:extension/http'))).toBe('none');
  });

  it('should keep two plans independent', () => {
    const a = new FaultPlan();
    const b = new FaultPlan();
    a.inject({ capability: 'storage.put', error: 'internal' });
    expect([take(b, call('put')), take(a, call('put'))]).toEqual(['none', ['storage.put', 'internal', 0]]);
  });
});

describe('FaultPlan.inject validation (FAULT_INVALID, word for word)', () => {
  it.each<[string, unknown, string]>([
    ['an unknown capability', { capability: 'stoarge.put', error: 'internal' },
      'Failed to inject a fault: unknown capability "stoarge" in "stoarge.put". Use one of: context, secrets, http, storage, logging, ui-proxy, user, user-v2, scheduler, invoicing, clients, services.'],
    ['an unknown function', { capability: 'storage.putt', error: 'internal' },
      'Failed to inject a fault: storage has no function "putt". Use one of: storage.get, storage.put, storage.delete, storage.listEntries, or "storage" for all of them.'],
    ['an error case of another error type', { capability: 'storage.put', error: 'transport' },
      'Failed to inject a fault: "transport" is not a case of storage-error, the error type of storage.put. Use one of: missing, conflict, denied, internal.'],
    ['an error on a function without a result', { capability: 'secrets.listKeys', error: 'internal' },
      'Failed to inject a fault: secrets.listKeys returns no WIT result, so it cannot answer an error ("internal"). Inject latencyMs only, or target a function that returns a result.'],
    ['a case no function of the capability has', { capability: 'http', error: 'conflict' },
      'Failed to inject a fault: no function of http has the error case "conflict". Use one of: invalid-url, not-allowed, transport, internal.'],
    ['an error on a capability without results', { capability: 'logging', error: 'internal' },
      'Failed to inject a fault: no function of logging has the error case "internal". None of its functions returns a WIT result: inject latencyMs only.'],
    ['a rule that changes nothing', { capability: 'http.fetch' },
      "Failed to inject a fault: the rule for http.fetch has neither error nor latencyMs, so it would change nothing. Add error (e.g. 'internal'), latencyMs (e.g. 100), or both."],
    ['a negative latency', { capability: 'http.fetch', latencyMs: -5 },
      'Failed to inject a fault: latencyMs must be a finite number of milliseconds ≥ 0, got -5. Pass e.g. latencyMs: 250.'],
    ['zero times', { capability: 'http.fetch', error: 'transport', times: 0 },
      'Failed to inject a fault: times must be a whole number ≥ 1 or Infinity, got 0. Pass how many calls should fail, e.g. times: 2.'],
    ['fractional times', { capability: 'http.fetch', error: 'transport', times: 1.5 },
      'Failed to inject a fault: times must be a whole number ≥ 1 or Infinity, got 1.5. Pass how many calls should fail, e.g. times: 2.'],
    ['no capability', { error: 'internal' },
      "Failed to inject a fault: capability must be a name like 'storage.put' or 'storage', got undefined. Use one of: context, secrets, http, storage, logging, ui-proxy, user, user-v2, scheduler, invoicing, clients, services."],
  ])('should reject %s', (_what, rule, message) => {
    const error = injectError(rule);
    expect([error.code, error.status, error.message]).toEqual(['FAULT_INVALID', 400, message]);
  });
});

describe('applyFault', () => {
  it('should wait the latency, then answer the WIT error and say so in the debug stream', async () => {
    const events: [DebugEvent['level'], string][] = [];
    const scope = fakeScope({ emit: (level, message) => events.push([level, message]) });
    const started = performance.now();
    const error = await applyFault({ call: 'storage.put', error: 'internal', message: 'disk full', latencyMs: 40 }, scope).then(() => undefined, (err: unknown) => err);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(error).toBeInstanceOf(WitError);
    expect([(error as WitError).payload, (error as WitError).message]).toEqual(['internal', 'internal: disk full']);
    expect(events).toEqual([['debug', 'fault injected: storage.put answered internal (disk full)']]);
  });

  it('should wait the whole latency by performance.now(), every time', async () => {
    // A 5 ms timer alone ended after 4.1-4.9 ms here in most of 50 tries.
    const elapsed: number[] = [];
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      await applyFault({ call: 'http.fetch', error: undefined, message: 'injected fault', latencyMs: 5 }, fakeScope({ emit: () => undefined }));
      elapsed.push(performance.now() - started);
    }
    expect(Math.min(...elapsed)).toBeGreaterThanOrEqual(5);
  });

  it('should return after a latency-only fault so the real call runs', async () => {
    const events: string[] = [];
    await expect(applyFault({ call: 'http.fetch', error: undefined, message: 'injected fault', latencyMs: 1 }, fakeScope({ emit: (_l, m) => events.push(m) }))).resolves.toBeUndefined();
    expect(events).toEqual(['fault injected: http.fetch delayed 1 ms (injected fault)']);
  });
});
