import { describe, expect, it } from 'vitest';
import { entryArchivePath, isServableUiPath } from './file-checks.ts';

describe('isServableUiPath', () => {
  it.each(['ui/index.html', 'ui/a/app.JS', 'ui/s.css', 'ui/d.json', 'ui/app.js.map', 'ui/i.svg', 'ui/i.png', 'ui/i.jpg', 'ui/i.jpeg', 'ui/i.webp', 'ui/f.woff', 'ui/f.woff2', 'ui/LICENSE'])(
    'should allow %s',
    (file) => {
      expect(isServableUiPath(file)).toBe(true);
    },
  );

  it.each(['ui/favicon.ico', 'ui/anim.gif', 'ui/app.mjs', 'ui/mod.wasm', 'ui/notes.txt', 'ui/trailing.', 'ui/page.htm'])('should refuse %s', (file) => {
    expect(isServableUiPath(file)).toBe(false);
  });
});

describe('entryArchivePath', () => {
  it.each([
    ['ui/index.html', 'ui/index.html'],
    ['index.html', 'ui/index.html'],
    ['./ui/main.html', 'ui/main.html'],
    ['/pages/a.html', 'ui/pages/a.html'],
  ])('should resolve the entry %s to %s', (entry, expected) => {
    expect(entryArchivePath(entry)).toBe(expected);
  });
});
