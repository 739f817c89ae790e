import { describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import { guardedFunctions } from '../capability.ts';
import { fakeScope, thrown } from '../test-support.ts';
import { exampleCapability } from './index.ts';

const { settings, open } = exampleCapability;
if (!settings || !open) throw new Error('the template defines settings and open');
const services = { dataDir: '', clock: systemClock, fetch: globalThis.fetch, shared: () => { throw new Error('the template shares nothing'); } };
const host = guardedFunctions(exampleCapability, open(services, settings.parse({ EXAMPLE_PREFIX: '> ' })));
const echo = (scope: ReturnType<typeof fakeScope>, message: string) => host.echo?.(scope, [message]);

describe('exampleCapability (the template)', () => {
  it('should refuse a call without its grant with the WIT case and what is missing', () => {
    expect(thrown(() => echo(fakeScope(), 'hi')).message).toBe('denied: cap:example.use not granted');
  });

  it('should refuse a granted call without an install id', () => {
    expect(thrown(() => echo(fakeScope({ grants: new Set(['cap:example.use']), installId: undefined }), 'hi')).message).toBe('denied: the request has no install id');
  });

  it('should answer an admitted call with its settings applied', () => {
    expect(echo(fakeScope({ grants: new Set(['cap:example.use']) }), 'hi')).toBe('> hi');
  });

  it('should answer its own WIT error for bad input', () => {
    expect(thrown(() => echo(fakeScope({ grants: new Set(['cap:example.use']) }), '')).payload).toBe('invalid');
  });
});
