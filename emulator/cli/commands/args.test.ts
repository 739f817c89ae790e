import { describe, expect, it } from 'vitest';
import { checkArgCount, closestName, editDistance, globalOptions, parseOptions, parsePairs, takeWord } from './args.ts';

const VALUE_OPTIONS = new Set(['data-dir', 'out']);

describe('takeWord', () => {
  it('should skip options and the values of options that take one', () => {
    expect(takeWord(['--data-dir', 'd', '--json', 'pack', 'ext'], VALUE_OPTIONS)).toEqual({ word: 'pack', rest: ['--data-dir', 'd', '--json', 'ext'] });
  });

  it('should not skip the next token after an inline value', () => {
    expect(takeWord(['--data-dir=d', 'list'], VALUE_OPTIONS)).toEqual({ word: 'list', rest: ['--data-dir=d'] });
  });

  it('should find no word after --', () => {
    expect(takeWord(['--', 'pack'], VALUE_OPTIONS)).toEqual({ word: undefined, rest: ['--', 'pack'] });
  });
});

describe('parseOptions', () => {
  const specs = {
    out: { type: 'string', value: '<file>', description: '' },
    grant: { type: 'string', multiple: true, description: '' },
    json: { type: 'boolean', description: '' },
    help: { type: 'boolean', description: '' },
  } as const;

  it('should collect positionals, values, repeated options and -h', () => {
    expect(parseOptions(['a', '--out', 'f', '--grant', 'x', '--grant=y', '-h', '--', '--z'], specs, 'pack')).toEqual({
      args: ['a', '--z'],
      values: { out: 'f', grant: ['x', 'y'], help: true },
    });
  });

  it('should refuse an unknown option and suggest the closest one', () => {
    expect(() => parseOptions(['--outt', 'f'], specs, 'pack')).toThrow('unknown option --outt for "pack". Did you mean --out? Run `alga-emulator pack --help`.');
  });

  it('should refuse a value option without a value, even when an option follows', () => {
    const message = 'option --out of "pack" needs a value (--out <file>). Run `alga-emulator pack --help`.';
    expect(() => parseOptions(['--out'], specs, 'pack')).toThrow(message);
    expect(() => parseOptions(['--out', '--json'], specs, 'pack')).toThrow(message);
  });

  it('should refuse a value given to a flag', () => {
    expect(() => parseOptions(['--json=yes'], specs, 'list')).toThrow('option --json of "list" takes no value. Run `alga-emulator list --help`.');
  });
});

describe('checkArgCount', () => {
  it('should name the expected arguments without echoing the given ones', () => {
    expect(() => checkArgCount([], { min: 1, max: 1 }, 'install', '<ext>')).toThrow('"install" takes 1 argument (<ext>), got 0. Run `alga-emulator install --help`.');
    expect(() => checkArgCount(['x'], { min: 0, max: 0 }, 'list', '')).toThrow('"list" takes no arguments, got 1. Run `alga-emulator list --help`.');
    expect(() => checkArgCount(['x'], { min: 2, max: Infinity }, 'secrets set', '<ext> key=value…')).toThrow(
      '"secrets set" takes at least 2 arguments (<ext> key=value…), got 1.',
    );
  });
});

describe('closestName', () => {
  it('should suggest a near miss or a prefix, and nothing for a far word', () => {
    expect(closestName('publsh', ['pack', 'publish', 'list'])).toBe('publish');
    expect(closestName('uninst', ['install', 'uninstall'])).toBe('uninstall');
    expect(closestName('frobnicate', ['pack', 'publish'])).toBeUndefined();
  });

  it('should compute the Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('parsePairs', () => {
  it('should split on the first "=" and keep empty values', () => {
    expect(parsePairs(['a=1', 'b=x=y', 'c='], { secret: false, label: 'config set' })).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', ''],
    ]);
  });

  it('should quote a malformed config argument but name a malformed secret by position only', () => {
    expect(() => parsePairs(['oops'], { secret: false, label: 'config set' })).toThrow('"oops" of "config set" is not key=value');
    expect(() => parsePairs(['a=1', 'hunter2'], { secret: true, label: 'secrets set' })).toThrow(/^argument 3 of "secrets set" is not key=value/);
  });
});

describe('globalOptions', () => {
  const ctx = { env: { EMULATOR_DATA_DIR: 'from-env' }, cwd: '/work', home: '/home/u', now: () => 0 };

  it('should resolve --data-dir, else EMULATOR_DATA_DIR, else .emulator, against the working folder', () => {
    expect(globalOptions({ 'data-dir': 'd' }, ctx).dataDir).toBe('/work/d');
    expect(globalOptions({}, ctx).dataDir).toBe('/work/from-env');
    expect(globalOptions({}, { ...ctx, env: {} }).dataDir).toBe('/work/.emulator');
  });
});
