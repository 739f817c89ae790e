import { describe, expect, it } from 'vitest';
import type { HostCallRecord } from '../emulator/internals.ts';
import type { LedgerInvocation } from './ledger.ts';
import './matchers.ts';

const rec = (iface: string, fn: string, args: unknown[], outcome: HostCallRecord['outcome'] = 'ok', error?: string): HostCallRecord =>
  ({ interface: `alga:extension/${iface}`, function: fn, outcome, durationMs: 1, requestId: 'r-1', args, ...(error ? { error } : {}) });
const COUNTER = [
  rec('logging', 'logInfo', ['POST /counter']),
  rec('storage', 'get', ['hello-host', 'counter'], 'err', 'missing'),
  rec('storage', 'put', [{ namespace: 'hello-host', key: 'counter', value: { bytes: 1, utf8: '1' } }]),
];
const LIST = [
  'Calls made (3):',
  '  1. logging.logInfo("POST /counter") → ok',
  '  2. storage.get("hello-host","counter") → err missing',
  '  3. storage.put({"namespace":"hello-host","key":"counter","value":{"bytes":1,"utf8":"1"}}) → ok',
].join('\n');

function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the assertion passed');
}

describe('toHaveCalledCapability', () => {
  it('should pass for a made call, matching its arguments by WIT name as a partial', () => {
    expect({ hostCalls: COUNTER }).toHaveCalledCapability('storage.put');
    expect(COUNTER).toHaveCalledCapability('storage.put', { namespace: 'hello-host', key: 'counter' });
    expect(COUNTER).toHaveCalledCapability('storage.get', { key: 'counter' });
    expect(COUNTER).toHaveCalledCapability('logging.log-info', { message: expect.stringContaining('/counter') });
    expect(COUNTER).not.toHaveCalledCapability('http.fetch');
    expect({ entries: () => COUNTER }).toHaveCalledCapability('storage.put');
  });

  it('should fail naming what was called instead when no call had the name', () => {
    expect(failure(() => expect(COUNTER).toHaveCalledCapability('http.fetch'))).toBe(`Expected a call to http.fetch, but there was none.\n${LIST}`);
    expect(failure(() => expect({ hostCalls: [] }).toHaveCalledCapability('secrets.get'))).toBe('Expected a call to secrets.get, but there was none.\nCalls made: none.');
  });

  it('should fail when calls had the name but not the arguments', () => {
    expect(failure(() => expect(COUNTER).toHaveCalledCapability('storage.put', { key: 'x' }))).toBe(`Expected a call to storage.put with {"key":"x"}, but none of its 1 call matched.\n${LIST}`);
  });

  it('should fail under .not listing the calls that matched', () => {
    expect(failure(() => expect(COUNTER).not.toHaveCalledCapability('storage.get'))).toBe('Expected no call to storage.get, but found 1:\n  1. storage.get("hello-host","counter") → err missing');
  });

  it('should refuse what is not a result, a record list or a ledger', () => {
    expect(failure(() => expect({ status: 200 }).toHaveCalledCapability('storage.put'))).toBe('toHaveCalledCapability expects an InvokeResult, an ExecuteResult, a HostCallRecord[] or emu.ledger, got an object with keys status.');
  });
});

describe('toStayWithinGrants', () => {
  const DEFAULTS = ['cap:context.read', 'cap:log.emit', 'cap:user.read'];
  const inv = (grants: string[], calls: HostCallRecord[], requestId: string): LedgerInvocation => ({ requestId, tenantId: 't', extensionId: 'e', grants: [...DEFAULTS, ...grants], calls });

  it('should pass when every call had its capability', () => {
    expect({ invocations: () => [inv(['cap:storage.kv'], COUNTER, 'r-1')] }).toStayWithinGrants();
    expect([]).toStayWithinGrants();
  });

  it('should fail listing every call outside its grants with the manifest line that allows it', () => {
    const ledger = [
      inv(['cap:storage.kv'], COUNTER, 'r-1'),
      inv([], [rec('http', 'fetch', [{ method: 'GET', url: 'https://api.example.com/x' }], 'err', 'not-allowed'), rec('storage', 'get', ['ns', 'k'], 'err', 'denied')], 'r-2'),
    ];
    expect(failure(() => expect(ledger).toStayWithinGrants())).toBe([
      'Expected every host call to stay within its grants, but 2 calls were not granted:',
      '  1. http.fetch({"method":"GET","url":"https://api.example.com/x"}) → err not-allowed (request r-2) needs cap:http.fetch: add "cap:http.fetch" to "capabilities" in manifest.json',
      '  2. storage.get("ns","k") → err denied (request r-2) needs cap:storage.kv: add "cap:storage.kv" to "capabilities" in manifest.json',
    ].join('\n'));
    expect(failure(() => expect([inv(['cap:storage.kv'], COUNTER, 'r-1')]).not.toStayWithinGrants())).toBe('Expected a host call outside the grants, but all 3 calls were granted.');
  });
});
