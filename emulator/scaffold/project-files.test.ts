import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../manifest/index.ts';
import { projectManifest, projectPackageJson, renderProject, renderTemplate, TEMPLATE_DIR, TEMPLATE_FILES, type ProjectSpec } from './project-files.ts';

const OWN_PACKAGE = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as ProjectSpec['emulatorPackage'];
const SPEC: ProjectSpec = { name: 'acme-notes', ui: true, emulatorSpec: 'file:/opt/emulator', emulatorPackage: OWN_PACKAGE };
const readTemplate = (rel: string) => readFile(join(TEMPLATE_DIR, rel), 'utf8');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/')).sort();
}

describe('the template folder', () => {
  it('should hold exactly the files TEMPLATE_FILES lists', async () => {
    expect(await filesUnder(TEMPLATE_DIR)).toEqual(TEMPLATE_FILES.map((f) => f.from).sort());
  });
});

describe('renderProject', () => {
  it('should write a handler-and-UI project, manifest and package.json first', async () => {
    const files = await renderProject(SPEC, readTemplate);
    expect(files.map((f) => f.path)).toEqual([
      'manifest.json',
      'package.json',
      'README.md',
      '.gitignore',
      'tsconfig.json',
      'vitest.config.ts',
      'src/handler.ts',
      'src/wit-types.d.ts',
      'test/extension.test.ts',
      'ui-src/main.ts',
      'ui/index.html',
      'ui/style.css',
    ]);
    for (const file of files) expect(file.contents, file.path).not.toMatch(/__[A-Z_]+__|ui:start|ui:end/);
  });

  it('should leave the UI files and UI parts out with ui: false', async () => {
    const files = await renderProject({ ...SPEC, ui: false }, readTemplate);
    expect(files.map((f) => f.path)).not.toContain('ui/index.html');
    expect(files.map((f) => f.path).filter((p) => p.startsWith('ui'))).toEqual([]);
    const test = files.find((f) => f.path === 'test/extension.test.ts')?.contents ?? '';
    expect(test).not.toContain('describe(\'acme-notes UI\'');
    expect(test.endsWith('  });\n});\n')).toBe(true);
    expect(files.find((f) => f.path === '.gitignore')?.contents).toBe('node_modules/\ndist/\nbundle.tar.zst\nbundle.tar.zst.SIGNATURE\n.emulator/\n');
  });

  it('should fill the name into the handler, the test and the UI title', async () => {
    const files = new Map((await renderProject(SPEC, readTemplate)).map((f) => [f.path, f.contents]));
    expect(files.get('src/handler.ts')).toContain("jsonResponse({ message: 'Hello from acme-notes!', tenant: getContext().tenantId })");
    expect(files.get('test/extension.test.ts')).toContain("describe('acme-notes UI', () => {");
    expect(files.get('ui/index.html')).toContain('<title>Acme Notes</title>');
    expect(files.get('README.md')?.startsWith('# Acme Notes\n')).toBe(true);
  });

  it('should refuse a template with an unknown placeholder, as a bug', async () => {
    const broken = (rel: string) => (rel === 'README.md' ? Promise.resolve('# __EXTENSION_SLOGAN__\n') : readTemplate(rel));
    await expect(renderProject(SPEC, broken)).rejects.toMatchObject({
      code: 'SCAFFOLD_TEMPLATE_BROKEN',
      message: 'Failed to create the extension project: the scaffold template is broken (unknown placeholder __EXTENSION_SLOGAN__). This is a bug in the emulator; please report it.',
    });
  });
});

describe('projectManifest', () => {
  it.each([true, false])('should pass the publish validator (ui: %s) with no warnings', (ui) => {
    const result = validateManifest(projectManifest({ name: 'acme-notes', ui }));
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it('should declare storage and the three routes, and the UI with its menu label', () => {
    expect(projectManifest({ name: 'acme-notes', ui: true })).toEqual({
      name: 'acme-notes',
      version: '0.1.0',
      runtime: 'wasm-js@1',
      capabilities: ['cap:context.read', 'cap:log.emit', 'cap:storage.kv'],
      ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Acme Notes' } } },
      api: {
        endpoints: [
          { method: 'GET', path: '/hello', handler: 'dist/main.wasm' },
          { method: 'GET', path: '/notes', handler: 'dist/main.wasm' },
          { method: 'POST', path: '/notes', handler: 'dist/main.wasm' },
        ],
      },
    });
    expect(projectManifest({ name: 'acme-notes', ui: false })).not.toHaveProperty('ui');
  });
});

describe('projectPackageJson', () => {
  it('should run everything through alga-emulator and copy this package\'s version ranges', () => {
    const ranges = { ...OWN_PACKAGE.dependencies, ...OWN_PACKAGE.devDependencies };
    expect(projectPackageJson(SPEC)).toEqual({
      name: 'acme-notes',
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: {
        build: 'alga-emulator build .',
        test: 'alga-emulator build . && vitest run',
        typecheck: 'tsc --noEmit',
        doctor: 'alga-emulator doctor .',
        pack: 'alga-emulator build . && alga-emulator pack .',
        emulate: 'alga-emulator build . && alga-emulator emulate --ext .',
      },
      devDependencies: {
        '@alga-psa/extension-iframe-sdk': ranges['@alga-psa/extension-iframe-sdk'],
        '@alga-psa/extension-runtime': ranges['@alga-psa/extension-runtime'],
        '@types/node': ranges['@types/node'],
        'alga-extension-emulator': 'file:/opt/emulator',
        typescript: ranges.typescript,
        vitest: ranges.vitest,
      },
      engines: OWN_PACKAGE.engines,
    });
  });

  it('should not depend on the iframe SDK without a UI', () => {
    expect(Object.keys(projectPackageJson({ ...SPEC, ui: false }).devDependencies as object)).not.toContain('@alga-psa/extension-iframe-sdk');
  });

  it('should fail as a bug when this package stops listing a range the project needs', () => {
    const emulatorPackage = { ...OWN_PACKAGE, devDependencies: {}, dependencies: {} };
    expect(() => projectPackageJson({ ...SPEC, emulatorPackage })).toThrow(
      "Failed to create the extension project: the scaffold template is broken (alga-extension-emulator's package.json has no version range for @alga-psa/extension-runtime). This is a bug in the emulator; please report it.",
    );
  });
});

describe('renderTemplate', () => {
  const text = ['a', '// ui:start', 'b', '// ui:end', '| x<!-- ui:start --> y<!-- ui:end --> |', '__EXTENSION_NAME__ / __EXTENSION_TITLE__'].join('\n');

  it('should keep UI lines and inline parts without their markers', () => {
    expect(renderTemplate(text, { name: 'acme-notes', ui: true })).toBe('a\nb\n| x y |\nacme-notes / Acme Notes');
  });

  it('should drop UI lines and inline parts without a UI', () => {
    expect(renderTemplate(text, { name: 'acme-notes', ui: false })).toBe('a\n| x |\nacme-notes / Acme Notes');
  });
});
