import { describe, expect, it } from 'vitest';
import type { HostCallRecord } from '../emulator/internals.ts';
import type { LedgerInvocation } from './ledger.ts';
import { formatLeastPrivilege, leastPrivilege } from './least-privilege.ts';

const call = (iface: string, fn: string): HostCallRecord => ({ interface: `alga:extension/${iface}`, function: fn, outcome: 'ok', durationMs: 1, args: [] });
const DEFAULTS = ['cap:context.read', 'cap:log.emit', 'cap:user.read'];
const invocation = (grants: string[], calls: HostCallRecord[], requestId = 'r'): LedgerInvocation => ({ requestId, tenantId: 't', extensionId: 'e', grants: [...DEFAULTS, ...grants], calls });

describe('leastPrivilege', () => {
  it('should list granted, used, unused (defaults never unused) and denied calls with their fix', () => {
    const report = leastPrivilege([
      invocation(['cap:storage.kv', 'cap:secrets.get', 'cap:http.fetch'], [call('logging', 'logInfo'), call('storage', 'get'), call('storage', 'put')]),
      invocation([], [call('http', 'fetch'), call('http', 'fetch'), call('clients', 'listClients')]),
    ]);
    expect(report).toEqual({
      granted: ['cap:context.read', 'cap:secrets.get', 'cap:http.fetch', 'cap:storage.kv', 'cap:log.emit', 'cap:user.read'],
      used: ['cap:storage.kv', 'cap:log.emit'],
      unused: ['cap:secrets.get', 'cap:http.fetch'],
      denied: [
        { capability: 'cap:http.fetch', call: 'http.fetch', fix: 'add "cap:http.fetch" to "capabilities" in manifest.json', count: 2 },
        { capability: 'cap:client.read', call: 'clients.listClients', fix: 'add "cap:client.read" to "capabilities" in manifest.json', count: 1 },
      ],
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(formatLeastPrivilege(report)).toBe([
      'Least privilege: 6 granted, 2 used, 2 unused, 2 denied',
      'granted: cap:context.read, cap:secrets.get, cap:http.fetch, cap:storage.kv, cap:log.emit, cap:user.read',
      'used: cap:storage.kv, cap:log.emit',
      'unused (remove from "capabilities" in manifest.json): cap:secrets.get, cap:http.fetch',
      'denied:',
      '  http.fetch ×2 needs cap:http.fetch: add "cap:http.fetch" to "capabilities" in manifest.json',
      '  clients.listClients ×1 needs cap:client.read: add "cap:client.read" to "capabilities" in manifest.json',
    ].join('\n'));
  });

  it('should report nothing for no invocations', () => {
    const report = leastPrivilege([]);
    expect(report).toEqual({ granted: [], used: [], unused: [], denied: [] });
    expect(formatLeastPrivilege(report)).toBe('Least privilege: 0 granted, 0 used, 0 unused, 0 denied\ngranted: none\nused: none\nunused (remove from "capabilities" in manifest.json): none\ndenied: none');
  });
});
