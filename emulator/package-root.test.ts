import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, packageRootOf } from './package-root.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'package-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('packageRootOf', () => {
  it('should find the checkout root from emulator/', () => {
    expect(PACKAGE_ROOT).toBe(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''));
  });

  it('should find an installed package from its compiled code in dist/emulator, past other package.json files', () => {
    const pkg = join(root, 'node_modules/alga-extension-emulator');
    mkdirSync(join(pkg, 'dist/emulator'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'acme-notes' }));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'alga-extension-emulator' }));
    writeFileSync(join(pkg, 'dist/package.json'), JSON.stringify({ type: 'module' }));
    expect(packageRootOf(join(pkg, 'dist/emulator'))).toBe(pkg);
  });

  it('should say the files are incomplete when no package.json of this package is above', () => {
    mkdirSync(join(root, 'a'));
    expect(() => packageRootOf(join(root, 'a'))).toThrow(
      `Failed to find alga-extension-emulator's package.json above ${join(root, 'a')}: the package's files are incomplete. Fix: reinstall alga-extension-emulator.`,
    );
  });
});
