import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../emulator/index.ts';
import type { HostCallRecord } from '../emulator/internals.ts';
import { LedgerRecorder, PARAMETER_NAMES, callName, capabilityOf, namedArgs, normalizeCallName } from './ledger.ts';

const call = (iface: string, fn: string, args: unknown[], requestId = 'r-1'): HostCallRecord => ({ interface: `alga:extension/${iface}`, function: fn, outcome: 'ok', durationMs: 1, requestId, args });

describe('ledger names', () => {
  it('should know the parameter names of every function of every capability', () => {
    const all = CAPABILITIES.flatMap((c) => Object.keys(c.functions).map((fn) => callName({ interface: c.witInterface, function: fn })));
    expect(all.filter((name) => !(name in PARAMETER_NAMES))).toEqual([]);
    expect(Object.keys(PARAMETER_NAMES).filter((name) => !all.includes(name))).toEqual([]);
  });

  it('should name calls by short interface and jco function, accepting WIT kebab names', () => {
    expect(callName(call('storage', 'put', []))).toBe('storage.put');
    expect(normalizeCallName('alga:extension/secrets.list-keys')).toBe('secrets.listKeys');
    expect(capabilityOf(call('storage', 'put', []))).toBe('cap:storage.kv');
    expect(capabilityOf(call('nope', 'x', []))).toBeUndefined();
  });

  it('should name positional arguments and spread a single record argument', () => {
    expect(namedArgs(call('storage', 'get', ['ns', 'k']))).toEqual({ namespace: 'ns', key: 'k' });
    expect(namedArgs(call('storage', 'put', [{ namespace: 'ns', key: 'k' }]))).toEqual({ entry: { namespace: 'ns', key: 'k' }, namespace: 'ns', key: 'k' });
  });
});

describe('LedgerRecorder', () => {
  it('should keep every call in order, per request, with grants after defaults, and forget on clear', () => {
    const ledger = new LedgerRecorder();
    ledger.grantSource = () => ['cap:storage.kv', ' CAP:HTTP.FETCH ', 'cap:bogus'];
    ledger.observe({ hostCalls: [call('storage', 'get', ['ns', 'k'])] }, { tenantId: 't', extensionId: 'e', requestId: 'r-1' });
    ledger.observe({ hostCalls: [call('secrets', 'get', ['k'], 'r-2')] }, { tenantId: 't', extensionId: 'e', requestId: 'r-2' });
    expect(ledger.entries().map(callName)).toEqual(['storage.get', 'secrets.get']);
    expect(ledger.forRequest('r-2').map(callName)).toEqual(['secrets.get']);
    expect(ledger.grantsFor('r-1')).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read', 'cap:storage.kv', 'cap:http.fetch']);
    ledger.useProviders('r-2', []);
    expect(ledger.grantsFor('r-2')).toEqual(['cap:context.read', 'cap:log.emit', 'cap:user.read']);
    ledger.clear();
    expect([ledger.entries(), ledger.forRequest('r-1'), ledger.grantsFor('r-1')]).toEqual([[], [], undefined]);
  });

  it('should drop the oldest invocation beyond its capacity', () => {
    const ledger = new LedgerRecorder(2);
    for (const id of ['a', 'b', 'c']) ledger.observe({ hostCalls: [call('storage', 'get', [id], id)] }, { tenantId: 't', extensionId: 'e', requestId: id });
    expect(ledger.invocations().map((i) => i.requestId)).toEqual(['b', 'c']);
  });
});
