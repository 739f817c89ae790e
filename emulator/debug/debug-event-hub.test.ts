import { describe, expect, it } from 'vitest';
import type { DebugEvent } from '../contracts/debug-event.ts';
import { DebugEventHub } from './debug-event-hub.ts';

function event(message: string, extra: Partial<DebugEvent> = {}): Omit<DebugEvent, 'truncated'> {
  return { ts: '1700000000000', level: 'info', stream: 'log', tenant_id: 't1', extension_id: 'e1', request_id: 'r1', message, ...extra };
}

describe('DebugEventHub.publish', () => {
  it('keeps a message within the limit as it is with truncated false', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 5 });
    expect(hub.publish(event('hello'))).toEqual({ ...event('hello'), truncated: false });
  });

  it('redacts the message before it is kept, sent or cut', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 40, redact: (text) => text.replaceAll('/srv/emu', '<data>') });
    const seen: DebugEvent[] = [];
    hub.subscribe({}, (e) => seen.push(e));
    const published = hub.publish(event("ext-ui extract_failed: open '/srv/emu/cache/x'"));
    expect(published).toMatchObject({ message: "ext-ui extract_failed: open '<data>/cach", truncated: true });
    expect(seen).toEqual([published]);
    expect(hub.recent()).toEqual([published]);
  });

  it('cuts a longer message at maxMessageBytes and marks it truncated', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 5 });
    const published = hub.publish(event('hello world'));
    expect(published.message).toBe('hello');
    expect(published.truncated).toBe(true);
    expect(hub.recent()).toEqual([published]);
  });

  it('counts bytes, not characters, and never leaves half a character', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 4 });
    // "é" is 2 bytes: "aéé" is 5 bytes; 4 bytes end inside the second "é".
    expect(hub.publish(event('aéé'))).toMatchObject({ message: 'aé', truncated: true });
    // "😀" is 4 bytes: "a😀" is 5 bytes; only 3 of the emoji's bytes fit, so it is left out whole.
    expect(hub.publish(event('a😀'))).toMatchObject({ message: 'a', truncated: true });
    expect(new DebugEventHub({ maxMessageBytes: 5 }).publish(event('a😀'))).toMatchObject({ message: 'a😀', truncated: false });
  });

  it('does not mutate the published input', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 2 });
    const input = event('abcdef');
    hub.publish(input);
    expect(input).toEqual(event('abcdef'));
  });

  it('keeps only the most recent events up to capacity', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100, capacity: 2 });
    hub.publish(event('one'));
    hub.publish(event('two'));
    hub.publish(event('three'));
    expect(hub.recent().map((e) => e.message)).toEqual(['two', 'three']);
  });
});

describe('DebugEventHub.recent', () => {
  it('filters by request_id, oldest first', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100 });
    hub.publish(event('a1', { request_id: 'a' }));
    hub.publish(event('b1', { request_id: 'b' }));
    hub.publish(event('a2', { request_id: 'a' }));
    expect(hub.recent({ request_id: 'a' }).map((e) => e.message)).toEqual(['a1', 'a2']);
    expect(hub.recent({ request_id: 'none' })).toEqual([]);
  });

  it('matches every given field and ignores undefined ones', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100 });
    hub.publish(event('t1e1', { tenant_id: 't1', extension_id: 'e1' }));
    hub.publish(event('t1e2', { tenant_id: 't1', extension_id: 'e2' }));
    hub.publish(event('t2e1', { tenant_id: 't2', extension_id: 'e1' }));
    expect(hub.recent({ tenant_id: 't1', extension_id: 'e1' }).map((e) => e.message)).toEqual(['t1e1']);
    expect(hub.recent({ tenant_id: 't1', install_id: undefined }).map((e) => e.message)).toEqual(['t1e1', 't1e2']);
    expect(hub.recent().map((e) => e.message)).toEqual(['t1e1', 't1e2', 't2e1']);
  });

  it('does not match an event lacking a filtered field', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100 });
    hub.publish({ ts: '1', level: 'error', stream: 'stderr', message: 'no ids' });
    expect(hub.recent({ install_id: 'i1' })).toEqual([]);
  });
});

describe('DebugEventHub.subscribe', () => {
  it('delivers matching events until unsubscribed', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100 });
    const seen: string[] = [];
    const unsubscribe = hub.subscribe({ request_id: 'r1' }, (e) => seen.push(e.message));
    hub.publish(event('first', { request_id: 'r1' }));
    hub.publish(event('other request', { request_id: 'r2' }));
    hub.publish(event('second', { request_id: 'r1' }));
    unsubscribe();
    hub.publish(event('after unsubscribe', { request_id: 'r1' }));
    expect(seen).toEqual(['first', 'second']);
  });

  it('delivers the truncated event to listeners', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 3 });
    const seen: DebugEvent[] = [];
    hub.subscribe({}, (e) => seen.push(e));
    hub.publish(event('abcdef'));
    expect(seen).toEqual([{ ...event('abc'), truncated: true }]);
  });

  it('keeps each subscription separate and the filter immune to later changes', () => {
    const hub = new DebugEventHub({ maxMessageBytes: 100 });
    const a: string[] = [];
    const b: string[] = [];
    const filter: { request_id?: string } = { request_id: 'r1' };
    const stopA = hub.subscribe(filter, (e) => a.push(e.message));
    hub.subscribe({}, (e) => b.push(e.message));
    filter.request_id = 'r2';
    hub.publish(event('one', { request_id: 'r1' }));
    stopA();
    hub.publish(event('two', { request_id: 'r1' }));
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);
  });

  it('keeps two hubs apart', () => {
    const first = new DebugEventHub({ maxMessageBytes: 100 });
    const second = new DebugEventHub({ maxMessageBytes: 100 });
    const seen: string[] = [];
    second.subscribe({}, (e) => seen.push(e.message));
    first.publish(event('only in first'));
    expect(seen).toEqual([]);
    expect(second.recent()).toEqual([]);
  });
});
