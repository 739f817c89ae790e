import { describe, expect, it } from 'vitest';
import { BoundedLog, debugEventLine, formatBytes, formatClock, formatDuration, gatewayRefusal, gatewayRow, jsonSafeEntry, messageRow, payloadBytes } from './message-log.ts';

const at = new Date(2025, 0, 2, 3, 4, 5, 6).getTime();

describe('message log formatting', () => {
  it('should measure the payload as UTF-8 JSON bytes', () => {
    expect(payloadBytes(undefined)).toBe(0);
    expect(payloadBytes({})).toBe(2);
    expect(payloadBytes({ height: 300 })).toBe(14);
    expect(payloadBytes('é')).toBe(4);
  });

  it('should format times, sizes and durations', () => {
    expect(formatClock(at)).toBe('03:04:05.006');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
  });

  it('should lay out a message row', () => {
    expect(messageRow({ at, direction: 'in', origin: 'http://127.0.0.1:3000', type: 'resize', bytes: 14, requestId: null, note: 'height 300 px' }))
      .toEqual(['03:04:05.006', 'iframe → host', 'http://127.0.0.1:3000', 'resize', '14 B', '', 'height 300 px']);
    expect(messageRow({ at, direction: 'out', origin: '*', type: 'apiproxy_response', bytes: 20, requestId: 'r1', note: '' })[1]).toBe('host → iframe');
  });

  it('should lay out a gateway call row', () => {
    expect(gatewayRow({ at, method: 'POST', url: '/api/ext-proxy/e/counter', status: 200, durationMs: 31, requestId: 'r1', error: null, hint: null }))
      .toEqual(['03:04:05.006', 'POST /api/ext-proxy/e/counter', '200', '31 ms', 'r1', '', '']);
    expect(gatewayRow({ at, method: 'GET', url: '/x', status: null, durationMs: 2, requestId: 'r2', error: 'Failed to fetch', hint: null }))
      .toEqual(['03:04:05.006', 'GET /x', 'network error', '2 ms', 'r2', 'Failed to fetch', '']);
  });

  it('should show a refused call with the Gateway\'s hint, and nothing for a call without one', () => {
    const refused = { at, method: 'GET', url: '/api/ext-proxy/e/user', status: 403, durationMs: 4, requestId: 'r3', error: 'Proxy error 403: {"error":"forbidden"}', hint: 'user tech@emulator.test lacks extension:read' };
    expect(gatewayRow(refused)).toEqual(['03:04:05.006', 'GET /api/ext-proxy/e/user', '403', '4 ms', 'r3', 'Proxy error 403: {"error":"forbidden"}', 'user tech@emulator.test lacks extension:read']);
    expect(gatewayRefusal(refused)).toBe('The Gateway refused GET /api/ext-proxy/e/user (403): user tech@emulator.test lacks extension:read');
    expect(gatewayRefusal({ ...refused, status: 200, error: null, hint: null })).toBeNull();
  });

  it('should print a debug event line', () => {
    expect(debugEventLine({ ts: String(at), level: 'info', stream: 'log', request_id: 'r1', message: 'counter=2', truncated: false }))
      .toBe('03:04:05.006 INFO  [log] (r1) counter=2');
    expect(debugEventLine({ ts: 'x', level: 'error', stream: 'stderr', message: 'boom', truncated: true })).toBe('x ERROR [stderr] boom …[truncated]');
  });
});

describe('BoundedLog', () => {
  it('should keep the newest items', () => {
    const log = new BoundedLog<number>(2);
    log.push(1);
    log.push(2);
    log.push(3);
    expect(log.items).toEqual([2, 3]);
    log.clear();
    expect(log.items).toEqual([]);
  });
});

describe('jsonSafeEntry (the automation hook\'s copy)', () => {
  const entry = { at, direction: 'in' as const, origin: 'http://127.0.0.1:3000', type: 'apiproxy', bytes: 30, requestId: 'r1', note: 'GET /api/ext-proxy/e/x' };

  it('should copy the payload as JSON, detached from the original', () => {
    const payload = { route: '/x', method: 'GET' };
    const copy = jsonSafeEntry({ ...entry, payload });
    payload.route = '/changed';
    expect(copy).toEqual({ ...entry, payload: { route: '/x', method: 'GET' } });
  });

  it('should leave out a missing payload', () => {
    expect(jsonSafeEntry(entry)).toEqual(entry);
    expect('payload' in jsonSafeEntry({ ...entry, payload: undefined })).toBe(false);
  });

  it('should replace a payload JSON cannot encode with a string saying so', () => {
    expect(jsonSafeEntry({ ...entry, payload: { n: 1n } }).payload).toBe('[payload not JSON-encodable: Do not know how to serialize a BigInt]');
  });
});
