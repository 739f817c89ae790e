import { describe, expect, it } from 'vitest';
import { extensionPath, parseShellPath } from './routes.ts';

describe('shell routes', () => {
  it('should parse the root, the PSA data view and both portals', () => {
    expect(parseShellPath('/')).toEqual({ view: 'home' });
    expect(parseShellPath('/psa')).toEqual({ view: 'psa' });
    expect(parseShellPath('/psa/')).toEqual({ view: 'psa' });
    expect(parseShellPath('/psa/x')).toEqual({ view: 'not-found', path: '/psa/x' });
    expect(parseShellPath('/msp/extensions/abc')).toEqual({ view: 'extension', portal: 'msp', registryId: 'abc' });
    expect(parseShellPath('/client-portal/extensions/abc/')).toEqual({ view: 'extension', portal: 'client-portal', registryId: 'abc' });
  });

  it('should decode the registry id and answer not-found for other paths', () => {
    expect(parseShellPath('/msp/extensions/a%20b')).toEqual({ view: 'extension', portal: 'msp', registryId: 'a b' });
    expect(parseShellPath('/msp/extensions/%E0')).toEqual({ view: 'not-found', path: '/msp/extensions/%E0' });
    expect(parseShellPath('/msp/extensions')).toEqual({ view: 'not-found', path: '/msp/extensions' });
    expect(parseShellPath('/other/extensions/x')).toEqual({ view: 'not-found', path: '/other/extensions/x' });
  });

  it('should build the path of an extension', () => {
    expect(extensionPath('client-portal', 'a b')).toBe('/client-portal/extensions/a%20b');
  });
});
