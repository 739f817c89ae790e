import { describe, expect, it } from 'vitest';
import { envelope, isAlgaEnvelope, messageType, payloadOf, requestIdOf } from './bridge-envelope.ts';

describe('envelope', () => {
  it('should build the envelope with request_id only when given', () => {
    expect(envelope('theme', { a: 1 })).toEqual({ alga: true, version: '1', type: 'theme', payload: { a: 1 } });
    expect(envelope('apiproxy_response', { body: '' }, 'r1')).toEqual({ alga: true, version: '1', type: 'apiproxy_response', request_id: 'r1', payload: { body: '' } });
  });

  it('should accept alga:true with the string version "1", with or without payload', () => {
    expect(isAlgaEnvelope({ alga: true, version: '1', type: 'ready' })).toBe(true);
    expect(isAlgaEnvelope({ alga: true, version: '1', type: 'ready', payload: {} })).toBe(true);
  });

  it('should refuse the number version, a missing alga flag or type, and non-objects', () => {
    expect(isAlgaEnvelope({ alga: true, version: 1, type: 'ready' })).toBe(false);
    expect(isAlgaEnvelope({ alga: 'true', version: '1', type: 'ready' })).toBe(false);
    expect(isAlgaEnvelope({ version: '1', type: 'ready' })).toBe(false);
    expect(isAlgaEnvelope({ alga: true, version: '1' })).toBe(false);
    expect(isAlgaEnvelope('ready')).toBe(false);
    expect(isAlgaEnvelope(null)).toBe(false);
  });

  it('should read type, request id and payload of any object message', () => {
    expect(messageType({ type: 'resize' })).toBe('resize');
    expect(messageType({ type: 3 })).toBe(undefined);
    expect(messageType('x')).toBe(undefined);
    expect(requestIdOf({ request_id: 'abc' })).toBe('abc');
    expect(requestIdOf({ request_id: '' })).toBe(undefined);
    expect(requestIdOf({ request_id: 7 })).toBe(undefined);
    expect(payloadOf({ payload: { height: 3 } })).toEqual({ height: 3 });
    expect(payloadOf(null)).toBe(undefined);
  });
});
