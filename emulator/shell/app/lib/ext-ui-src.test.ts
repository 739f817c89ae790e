import { describe, expect, it } from 'vitest';
import { buildExtUiSrc, frameOrigin, withParentOrigin } from './ext-ui-src.ts';

const HASH = `sha256:${'a'.repeat(64)}`;
const ENCODED = `sha256%3A${'a'.repeat(64)}`;

describe('buildExtUiSrc', () => {
  it('should default the base to /runner and the path to /, and omit the tenant when not given', () => {
    expect(buildExtUiSrc('ext-1', HASH, '')).toBe(`/runner/ext-ui/ext-1/${ENCODED}/index.html?path=%2F&extensionId=ext-1`);
  });

  it('should order the parameters path, tenant, extensionId', () => {
    expect(buildExtUiSrc('ext-1', HASH, '/settings', { tenantId: 'tenant-123' }))
      .toBe(`/runner/ext-ui/ext-1/${ENCODED}/index.html?path=%2Fsettings&tenant=tenant-123&extensionId=ext-1`);
  });

  it('should drop trailing slashes of the public base, absolute or relative', () => {
    expect(buildExtUiSrc('ext-1', HASH, '/', { publicBase: 'http://localhost:8085//' }))
      .toBe(`http://localhost:8085/ext-ui/ext-1/${ENCODED}/index.html?path=%2F&extensionId=ext-1`);
    expect(buildExtUiSrc('ext-1', HASH, '/', { publicBase: '/proxy/' })).toBe(`/proxy/ext-ui/ext-1/${ENCODED}/index.html?path=%2F&extensionId=ext-1`);
  });

  it('should percent-encode the extension id, the path and the tenant', () => {
    expect(buildExtUiSrc('a b/c', HASH, '/x?y=1&z', { tenantId: 't&u' }))
      .toBe(`/runner/ext-ui/a%20b%2Fc/${ENCODED}/index.html?path=%2Fx%3Fy%3D1%26z&tenant=t%26u&extensionId=a%20b%2Fc`);
  });

  it('should accept an upper-case hex hash and keep it as given', () => {
    const upper = `sha256:${'AB'.repeat(32)}`;
    expect(buildExtUiSrc('e', upper, '/')).toBe(`/runner/ext-ui/e/sha256%3A${'AB'.repeat(32)}/index.html?path=%2F&extensionId=e`);
  });

  it('should throw on a hash that is not sha256:<64 hex>', () => {
    for (const bad of ['a'.repeat(64), `sha256:${'a'.repeat(63)}`, `sha256:${'g'.repeat(64)}`]) {
      expect(() => buildExtUiSrc('e', bad, '/')).toThrow(`Failed to build the extension UI URL: content hash "${bad}" is not sha256:<64 hex>. Use the install's contentHash from the registry.`);
    }
  });
});

describe('withParentOrigin', () => {
  it('should append the encoded host origin as the last parameter', () => {
    expect(withParentOrigin('/runner/ext-ui/e/h/index.html?path=%2F&extensionId=e', 'http://127.0.0.1:3000'))
      .toBe('/runner/ext-ui/e/h/index.html?path=%2F&extensionId=e&parentOrigin=http%3A%2F%2F127.0.0.1%3A3000');
  });
});

describe('frameOrigin', () => {
  it('should resolve a relative src against the page and keep an absolute one', () => {
    expect(frameOrigin('/runner/ext-ui/x', 'http://127.0.0.1:3000/msp/extensions/x')).toBe('http://127.0.0.1:3000');
    expect(frameOrigin('http://localhost:8085/ext-ui/x', 'http://127.0.0.1:3000/')).toBe('http://localhost:8085');
  });
});
