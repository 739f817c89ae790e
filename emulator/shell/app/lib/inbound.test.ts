import { describe, expect, it } from 'vitest';
import { FrameReveal } from './frame-state.ts';
import { classifyInbound } from './inbound.ts';

const ctx = { extensionId: 'ext', acceptedOrigins: ['http://127.0.0.1:3000'] };
const from = (data: unknown, origin = 'http://127.0.0.1:3000', fromFrame = true) => classifyInbound({ fromFrame, origin, data }, ctx);
const env = (type: string, payload?: unknown, extra: Record<string, unknown> = {}) => ({ alga: true, version: '1', type, payload, ...extra });

describe('classifyInbound', () => {
  it('should ignore messages from other windows and other origins', () => {
    expect(from(env('ready'), undefined, false)).toEqual({ kind: 'ignore', reason: 'not from the extension iframe' });
    expect(from(env('ready'), 'http://evil.test')).toEqual({ kind: 'ignore', reason: 'origin http://evil.test is not the iframe origin http://127.0.0.1:3000' });
  });

  it('should accept ready only as a valid envelope, with or without payload', () => {
    expect(from(env('ready'))).toEqual({ kind: 'ready' });
    expect(from({ alga: true, version: '1', type: 'ready' })).toEqual({ kind: 'ready' });
    expect(from({ alga: true, version: 1, type: 'ready' })).toEqual({ kind: 'ignore', reason: 'ready needs alga: true and version: "1"' });
    expect(from({ type: 'ready' })).toEqual({ kind: 'ignore', reason: 'ready needs alga: true and version: "1"' });
  });

  it('should clamp resize heights and ignore unusable ones', () => {
    expect(from(env('resize', { height: 5000 }))).toEqual({ kind: 'resize', height: 4000 });
    expect(from(env('resize', { height: 250.7 }))).toEqual({ kind: 'resize', height: 250 });
    expect(from(env('resize', {}))).toEqual({ kind: 'ignore', reason: 'resize payload.height is not a number' });
  });

  it('should plan apiproxy calls', () => {
    expect(from(env('apiproxy', { route: 'counter' }, { request_id: 'r' }))).toEqual({
      kind: 'apiproxy',
      plan: { kind: 'call', requestId: 'r', method: 'POST', url: '/api/ext-proxy/ext/counter', body: undefined },
    });
  });

  it('should report navigate (ignored by the host) and unknown types', () => {
    expect(from(env('navigate', { path: '/x' }))).toEqual({ kind: 'navigate', path: '/x' });
    expect(from(env('navigate'))).toEqual({ kind: 'navigate', path: null });
    expect(from(env('hello'))).toEqual({ kind: 'ignore', reason: 'unknown message type "hello"' });
    expect(from('ready')).toEqual({ kind: 'ignore', reason: 'not an object with a string type' });
  });
});

describe('FrameReveal', () => {
  it('should keep the first reason and remember a later ready', () => {
    const reveal = new FrameReveal();
    expect(reveal.revealedBy).toBe(null);
    expect(reveal.reveal('load')).toBe(true);
    expect(reveal.ready).toBe(false);
    expect(reveal.reveal('ready')).toBe(false);
    expect(reveal.revealedBy).toBe('load');
    expect(reveal.ready).toBe(true);
  });
});
