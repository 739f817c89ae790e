import { describe, expect, it } from 'vitest';
import { WitError, type InvocationScope } from '../contracts/invocation.ts';
import { importShape } from '../capabilities/index.ts';
import type { CassetteHostCall } from './cassette.ts';
import { ReplayCursor, replayHostTable } from './replay-host-table.ts';

const call = (iface: string, fn: string, args: CassetteHostCall['args'], answer: Partial<CassetteHostCall> = { outcome: 'ok' }): CassetteHostCall =>
  ({ interface: `alga:extension/${iface}`, function: fn, durationMs: 0, args, outcome: 'ok', ...answer }) as CassetteHostCall;

const RECORDED = [
  call('logging', 'logInfo', ['POST /counter'], { outcome: 'ok', result: { $undefined: true } }),
  call('storage', 'get', ['ns', 'k'], { outcome: 'ok', result: { namespace: 'ns', key: 'k', value: { $utf8: '41' }, revision: { $bigint: '1' } } }),
  call('storage', 'put', [{ namespace: 'ns' }], { outcome: 'err', error: 'conflict' }),
];

describe('ReplayCursor', () => {
  it('answers each recorded call in order with its recorded value or error', () => {
    const cursor = new ReplayCursor(RECORDED);
    expect(cursor.answer('alga:extension/logging', 'logInfo', ['POST /counter'], true)).toBeUndefined();
    expect(cursor.answer('alga:extension/storage', 'get', ['ns', 'k'], false)).toEqual({ namespace: 'ns', key: 'k', value: new TextEncoder().encode('41'), revision: 1n });
    expect(() => cursor.answer('alga:extension/storage', 'put', [{ namespace: 'ns' }], false)).toThrow(new WitError('conflict'));
    expect(cursor.finish()).toEqual([]);
  });

  it('answers a trap with the recorded message', () => {
    const cursor = new ReplayCursor([call('http', 'fetch', [], { outcome: 'trap', error: 'host exploded' })]);
    expect(() => cursor.answer('alga:extension/http', 'fetch', [], false)).toThrow('host exploded');
  });

  it('reports other arguments and still answers from the recording', () => {
    const cursor = new ReplayCursor(RECORDED.slice(0, 2));
    cursor.answer('alga:extension/logging', 'logInfo', ['POST /counter'], true);
    expect(cursor.answer('alga:extension/storage', 'get', ['ns', 'other'], false)).toMatchObject({ key: 'k' });
    expect(cursor.finish()).toEqual([{ kind: 'host-call', change: 'arguments', position: 2, call: 'storage.get', recordedArgs: ['ns', 'k'], replayedArgs: ['ns', 'other'] }]);
  });

  it('traps an unexpected call and stops comparing; a fire-and-forget one does not stop the guest', () => {
    const cursor = new ReplayCursor(RECORDED);
    expect(() => cursor.answer('alga:extension/logging', 'logWarn', ['extra'], true)).toThrow('replay: host call #1 logging.logWarn is not in the recording (recorded: logging.logInfo)');
    expect(cursor.stopped).toBe(false);
    cursor.answer('alga:extension/logging', 'logInfo', ['POST /counter'], true);
    expect(() => cursor.answer('alga:extension/secrets', 'get', ['api_token'], false)).toThrow('replay: host call #3 secrets.get is not in the recording (recorded: storage.get)');
    expect(cursor.stopped).toBe(true);
    expect(cursor.finish()).toEqual([
      { kind: 'host-call', change: 'unexpected', position: 1, call: 'logging.logWarn', replayedArgs: ['extra'], recordedCall: 'logging.logInfo' },
      { kind: 'host-call', change: 'unexpected', position: 3, call: 'secrets.get', replayedArgs: ['api_token'], recordedCall: 'storage.get' },
    ]);
  });

  it('lists recorded calls the guest never made', () => {
    const cursor = new ReplayCursor(RECORDED);
    cursor.answer('alga:extension/logging', 'logInfo', ['POST /counter'], true);
    expect(cursor.finish()).toEqual([
      { kind: 'host-call', change: 'missing', position: 2, call: 'storage.get', recordedArgs: ['ns', 'k'] },
      { kind: 'host-call', change: 'missing', position: 3, call: 'storage.put', recordedArgs: [{ namespace: 'ns' }] },
    ]);
  });
});

describe('replayHostTable', () => {
  it('links every function of the world to the cursor of the calling invocation', () => {
    const shape = importShape();
    const scope = { requestId: 'r' } as InvocationScope;
    const cursor = new ReplayCursor(RECORDED);
    const table = replayHostTable(shape, (s) => (s === scope ? cursor : undefined));
    expect([...table.keys()]).toEqual(Object.keys(shape));
    expect(Object.keys(table.get('alga:extension/storage') ?? {})).toEqual(Object.keys(shape['alga:extension/storage'] ?? {}));
    expect(table.get('alga:extension/logging')?.logInfo?.(scope, ['POST /counter'])).toBeUndefined();
    expect(() => table.get('alga:extension/storage')?.get?.({} as InvocationScope, ['ns', 'k'])).toThrow('replay: host call storage.get from an invocation that is not being replayed');
  });
});
