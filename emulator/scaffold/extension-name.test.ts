import { describe, expect, it } from 'vitest';
import { MAX_NAME_CHARS, nameProblem, suggestName, titleOf } from './extension-name.ts';

describe('nameProblem', () => {
  it.each(['a', 'notes', 'acme-notes', 'acme-notes-2', 'x1-y2'])('should accept %j', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['Acme', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['2fa', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['acme--notes', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['acme-', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['acme notes', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['acme.notes', 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter'],
    ['a'.repeat(MAX_NAME_CHARS + 1), 'it has 65 characters; the limit is 64'],
  ])('should refuse %j: %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('should accept exactly the longest name', () => {
    expect(nameProblem('a'.repeat(MAX_NAME_CHARS))).toBeUndefined();
  });
});

describe('suggestName', () => {
  it.each([
    ['My Extension', 'my-extension'],
    ['Acme_Notes!', 'acme-notes'],
    ['2fa helper', 'fa-helper'],
    ['--', 'my-extension'],
    ['ÅÄÖ', 'my-extension'],
  ])('should turn %j into %j', (input, suggestion) => {
    expect(suggestName(input)).toBe(suggestion);
  });

  it('should never suggest more than the limit', () => {
    expect(suggestName(`${'a'.repeat(62)}-b`)).toBe(`${'a'.repeat(62)}-b`);
    expect(suggestName(`${'a'.repeat(63)}-bc`)).toBe('a'.repeat(63));
  });
});

describe('titleOf', () => {
  it('should capitalise each word', () => {
    expect(titleOf('acme-notes-2')).toBe('Acme Notes 2');
  });
});
