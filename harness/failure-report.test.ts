import { describe, expect, it } from 'vitest';
import { formatActivity } from './failure-report.ts';
import type { LedgerInvocation } from './ledger.ts';
import type { LogEvent } from './logs.ts';

const log = (message: string, requestId?: string): LogEvent => ({ ts: '1', level: 'info', stream: 'log', request_id: requestId, message, truncated: false });

describe('formatActivity', () => {
  it('should list each invocation with its grants, host calls and its own log lines, then the other lines', () => {
    const invocation: LedgerInvocation = {
      requestId: 'r-1',
      tenantId: 't-1',
      extensionId: 'e-1',
      grants: ['cap:storage.kv'],
      calls: [
        { interface: 'alga:extension/storage', function: 'get', args: ['ns', 'k'], outcome: 'err', error: 'missing', durationMs: 0.25 },
        { interface: 'alga:extension/logging', function: 'logInfo', args: ['x'], outcome: 'ok', durationMs: 0.04 },
        { interface: 'alga:extension/storage', function: 'put', args: [{ key: 'k', value: 'v'.repeat(300) }], outcome: 'ok', result: { revision: '1' }, durationMs: 1 },
      ],
    };
    expect(formatActivity([invocation], [log('own line', 'r-1'), log('startup diagnostic')]).split('\n')).toEqual([
      'alga emulator: 1 invocation during this test',
      '● request r-1 · tenant t-1 · extension e-1',
      '  grants: cap:storage.kv',
      '  storage.get("ns","k") → err missing (0.3 ms)',
      '  logging.logInfo("x") → ok (0.0 ms)',
      `  storage.put(${`{"key":"k","value":"${'v'.repeat(300)}"}`.slice(0, 159)}…) → ok {"revision":"1"} (1.0 ms)`,
      '  log info: own line',
      '● other log lines',
      '  log info [no request]: startup diagnostic',
    ]);
  });

  it('should say when nothing ran, and when an invocation made no host calls', () => {
    expect(formatActivity([], [])).toBe('alga emulator: 0 invocations during this test');
    const bare: LedgerInvocation = { requestId: undefined, tenantId: 't', extensionId: 'e', grants: [], calls: [] };
    expect(formatActivity([bare], []).split('\n')).toEqual([
      'alga emulator: 1 invocation during this test',
      '● request (none) · tenant t · extension e',
      '  grants: (none)',
      '  (no host calls)',
    ]);
  });
});
