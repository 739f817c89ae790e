import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../capabilities/index.ts';
import { WIT_PATH } from '../../wit/world.ts';
import { buildFaultCatalog, faultCatalog } from './wit-errors.ts';

const byName = () => new Map([...faultCatalog().values()].flat().map((t) => [t.name, t]));

describe('faultCatalog', () => {
  it('should list every function of CAPABILITIES under its ledger name', () => {
    const expected = CAPABILITIES.flatMap((c) => Object.keys(c.functions).map((fn) => `${c.witInterface.slice('alga:extension/'.length)}.${fn}`));
    expect([...byName().keys()]).toEqual(expected);
  });

  it('should give storage and http functions their own WIT error cases', () => {
    const names = byName();
    expect([names.get('storage.put')?.errorType, names.get('storage.put')?.variants]).toEqual(['storage-error', ['missing', 'conflict', 'denied', 'internal']]);
    expect([names.get('http.fetch')?.errorType, names.get('http.fetch')?.variants]).toEqual(['http-error', ['invalid-url', 'not-allowed', 'transport', 'internal']]);
    expect(names.get('user-v2.getUser')?.variants).toEqual(['not-available', 'not-allowed']);
  });

  it('should give functions without a WIT result no error cases', () => {
    const names = byName();
    for (const name of ['secrets.listKeys', 'logging.logInfo', 'context.getContext', 'scheduler.createSchedule', 'invoicing.createManualInvoice']) {
      expect([name, names.get(name)?.errorType, names.get(name)?.variants]).toEqual([name, undefined, []]);
    }
  });

  it('should fail loudly when a result-returning function has no error enum in the WIT', () => {
    const wit = readFileSync(WIT_PATH, 'utf8');
    const drifted = wit.replace('-> result<storage-entry, storage-error>;', '-> storage-entry;');
    expect(drifted).not.toBe(wit);
    expect(() => buildFaultCatalog(drifted)).toThrow(
      'storage.get returns a result in CAPABILITIES, but the WIT declares no error enum for storage#get',
    );
  });
});
