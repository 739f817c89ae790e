import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { isWildcardVersion, manifestSlug, resolveWildcardVersion } from './version.ts';

describe('isWildcardVersion', () => {
  it.each([['1.2.*', true], ['0.0.*', true], ['1.2.3', false], ['1.*', false], ['1.*.*', false], ['x.2.*', false]])(
    'should classify %s as %s',
    (v, expected) => {
      expect(isWildcardVersion(v)).toBe(expected);
    },
  );
});

describe('resolveWildcardVersion', () => {
  it('should start at patch 0 when no version of that major.minor exists', () => {
    expect(resolveWildcardVersion('1.2.*', ['1.1.7', '2.2.0'])).toBe('1.2.0');
  });

  it('should pick the next patch after the numerically highest one', () => {
    expect(resolveWildcardVersion('1.2.*', ['1.2.9', '1.2.10', '1.2.2', '1.3.0'])).toBe('1.2.11');
  });

  it('should count pre-release and build versions by their patch number', () => {
    expect(resolveWildcardVersion('0.4.*', ['0.4.1', '0.4.3-rc.1', '0.4.2+b7'])).toBe('0.4.4');
  });

  it('should refuse a pattern that is not a wildcard', () => {
    expect(() => resolveWildcardVersion('1.2.3', [])).toThrow(EmulatorError);
    expect(() => resolveWildcardVersion('1.2.3', [])).toThrow(
      'cannot resolve version "1.2.3": it is not a wildcard of the form "X.Y.*". Pass an exact version as it is, or use a pattern such as "1.2.*".',
    );
  });
});

describe('manifestSlug', () => {
  it('should join publisher and name in lower case', () => {
    expect(manifestSlug({ publisher: 'Acme', name: 'Billing-Sync' })).toBe('acme.billing-sync');
  });

  it('should use local-dev when there is no publisher', () => {
    expect(manifestSlug({ name: 'Hello' })).toBe('local-dev.hello');
  });
});
