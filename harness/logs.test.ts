// emu.logs(filter) over a DebugEventHub: each filter field narrows, and only that.
import { describe, expect, it } from 'vitest';
import { DebugEventHub } from '../emulator/internals.ts';
import { selectLogs } from './logs.ts';

function hub() {
  const h = new DebugEventHub({ maxMessageBytes: 1000 });
  const base = { stream: 'log' as const, tenant_id: 't1', extension_id: 'e1' };
  h.publish({ ...base, ts: '1000', level: 'info', request_id: 'r1', message: 'GET /a' });
  h.publish({ ...base, ts: '2000', level: 'warn', request_id: 'r1', message: 'a failed' });
  h.publish({ ...base, ts: '3000', level: 'debug', request_id: 'r2', message: 'GET /b' });
  h.publish({ ...base, ts: '4000', level: 'error', request_id: 'r2', extension_id: 'e2', tenant_id: 't2', message: 'b crashed' });
  return h;
}
const messages = (filter: Parameters<typeof selectLogs>[1]) => selectLogs(hub(), filter).map((e) => e.message);

describe('selectLogs', () => {
  it('should return every event oldest first without a filter', () => {
    expect(messages({})).toEqual(['GET /a', 'a failed', 'GET /b', 'b crashed']);
  });

  it('should narrow by request id, extension id and tenant id', () => {
    expect(messages({ requestId: 'r1' })).toEqual(['GET /a', 'a failed']);
    expect(messages({ extensionId: 'e2' })).toEqual(['b crashed']);
    expect(messages({ tenantId: 't1', requestId: 'r2' })).toEqual(['GET /b']);
    expect(messages({ requestId: 'nope' })).toEqual([]);
  });

  it('should treat level as the least severe level to include', () => {
    expect(messages({ level: 'warn' })).toEqual(['a failed', 'b crashed']);
    expect(messages({ level: 'info', requestId: 'r2' })).toEqual(['b crashed']);
  });

  it('should keep events at or after since (a Date or epoch ms)', () => {
    expect(messages({ since: 3000 })).toEqual(['GET /b', 'b crashed']);
    expect(messages({ since: new Date(2001) })).toEqual(['GET /b', 'b crashed']);
  });

  it('should return copies, so a test cannot change the hub', () => {
    const h = hub();
    const first = selectLogs(h, { requestId: 'r1' })[0];
    if (first) first.message = 'changed';
    expect(selectLogs(h, { requestId: 'r1' })[0]?.message).toBe('GET /a');
  });

  it('should refuse an unknown level and a bad since', () => {
    expect(() => selectLogs(hub(), { level: 'fatal' as 'error' })).toThrow('Failed to read logs: level must be one of trace, debug, info, warn, error, got "fatal".');
    expect(() => selectLogs(hub(), { since: new Date('x') })).toThrow('Failed to read logs: since must be a Date or epoch milliseconds, got Invalid Date.');
  });
});
