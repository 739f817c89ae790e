import { describe, expect, it } from 'vitest';
import { interfaceShortName, jsName, parseWit, shippedWorld, witName } from './world.ts';

describe('parseWit', () => {
  it('should read enums, functions with their error types and the world imports, skipping comments and nested braces', () => {
    const world = parseWit(`
      interface types {
        record r { a: string }
        enum e-one { x, y-z }
        // enum ignored { no }
      }
      interface api {
        use types.{e-one};
        get: func(k: string) -> result<option<list<r>>, e-one>;
        none: func() -> result<_, e-one>;
        plain: func() -> list<string>;
        one-way: func(m: string);
      }
      world runner {
        import api;
        // import commented;
        import types;
      }`);
    expect([...world.enums]).toEqual([['e-one', ['x', 'y-z']]]);
    expect(world.interfaces.get('api')).toEqual([
      { name: 'get', jsName: 'get', returns: 'result<option<list<r>>, e-one>', errorType: 'e-one' },
      { name: 'none', jsName: 'none', returns: 'result<_, e-one>', errorType: 'e-one' },
      { name: 'plain', jsName: 'plain', returns: 'list<string>', errorType: undefined },
      { name: 'one-way', jsName: 'oneWay', returns: '', errorType: undefined },
    ]);
    expect(world.imports).toEqual(['api', 'types']);
  });

  it('should refuse WIT text without world runner', () => {
    expect(() => parseWit('interface a { f: func(); }')).toThrow('the WIT declares no `world runner`');
  });

  it('should read the twelve imports of the shipped world in order', () => {
    expect(shippedWorld().imports).toEqual(['context', 'secrets', 'http', 'storage', 'logging', 'ui-proxy', 'user', 'user-v2', 'scheduler', 'invoicing', 'clients', 'services']);
  });
});

describe('names', () => {
  it('should map WIT names to jco names and back', () => {
    expect([jsName('list-entries'), jsName('delete'), jsName('create-manual-invoice')]).toEqual(['listEntries', 'delete', 'createManualInvoice']);
    expect([witName('listEntries'), witName('delete'), witName('createManualInvoice')]).toEqual(['list-entries', 'delete', 'create-manual-invoice']);
    expect([interfaceShortName('alga:extension/user-v2'), interfaceShortName('wasi:io/streams')]).toEqual(['user-v2', 'wasi:io/streams']);
  });
});
