// The package as an author gets it (issue 14): `npm pack` of a copy of this checkout (prepack
// compiles it), the tarball installed with npm into a fresh project beside vitest, @playwright/test
// and typescript, then used on the README's own words: plain Node ESM, Vitest (`useEmulator`,
// matchers), Playwright (`defineAlgaConfig`, fixtures, the shell in Debian's chromium), and the
// `alga-emulator` CLI (create, build, doctor, publish, emulate). The installed package must be
// byte-identical afterwards. Slow (two `npm install`s compile better-sqlite3; one componentize):
// installs reuse npm's cache (`--prefer-offline`).
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../harness/runner-fixture.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** What an author's shell passes on: nothing of this Vitest run (VITEST, NODE_ENV, npm_*). */
const AUTHOR_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', FORCE_COLOR: '0', ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}) };
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...AUTHOR_ENV, ...env }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** sha256 of every file under `root`, by relative path. */
async function treeHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(root.length + 1)] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return out;
}

/**
 * This checkout's tracked files (as a clean clone has them) plus its build caches (sample
 * components, so prepack does not componentize again), with node_modules linked: `npm pack`
 * there writes nothing into the repository.
 */
async function checkoutCopy(to: string): Promise<void> {
  const tracked = (await run('git', ['ls-files', '-z'], ROOT)).stdout.split('\0').filter(Boolean);
  for (const file of tracked) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(ROOT, file), join(to, file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // deleted in the working tree, not yet in the index
    });
  }
  for (const sample of await readdir(join(ROOT, 'sample-extensions'))) {
    for (const built of ['dist', 'ui/app.js']) {
      await cp(join(ROOT, 'sample-extensions', sample, built), join(to, 'sample-extensions', sample, built), { recursive: true }).catch(() => undefined);
    }
  }
  await symlink(join(ROOT, 'node_modules'), join(to, 'node_modules'));
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

const own = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const range = (name: string) => `${name}@${own.devDependencies[name] ?? 'latest'}`;

let work: string;
let tarball: string;
let packed: PackResult;
let app: string;
let installedPackage: string;
let installedBefore: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'package-tarball-'));
  await checkoutCopy(join(work, 'checkout'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], join(work, 'checkout'));
  expect(pack.code, pack.stderr).toBe(0);
  // prepack's own output comes first; npm's JSON report starts on a line of its own.
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[$/m))) as PackResult[])[0] as PackResult;
  tarball = join(work, packed.filename);

  app = join(work, 'acme-app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'acme-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const install = await run('npm', [...NPM_INSTALL, tarball, range('vitest'), range('@playwright/test'), range('typescript')], app);
  expect(install.code, install.stderr).toBe(0);
  installedPackage = join(app, 'node_modules/alga-extension-emulator');
  installedBefore = await treeHashes(installedPackage);
}, 1_200_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the tarball', () => {
  it('ships compiled JavaScript, declarations and what runs, and no tests, fixtures, benches or CI files', () => {
    // Figures for the report: `npm test` prints them.
    console.log(`package tarball: ${packed.filename} ${(packed.size / 1e6).toFixed(1)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked, ${packed.entryCount} files`);
    const paths = packed.files.map((f) => f.path);
    // The scaffold template's test is a template: every new project starts from it.
    const testLike = paths.filter((p) => /(\.test|\.spec)\.[cm]?[jt]s$|(^|\/)(test|tests|fixtures|bench|\.ci)\//.test(p) && !p.startsWith('dist/emulator/scaffold/template/'));
    expect(testLike).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !/^dist\/(emulator\/scaffold\/template|sample-extensions)\//.test(p))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/emulator/index.js', 'dist/emulator/index.d.ts', 'dist/harness/playwright.js', 'dist/emulator/cli/bin/alga-emulator.js', 'dist/sample-extensions/hello-host/dist/main.wasm', 'dist/sample-extensions/hello-ui/ui/app.js']));
  });
});

describe('installed into a fresh project', () => {
  it('imports in plain Node (ESM) and runs a bundled sample', async () => {
    await writeFile(
      join(app, 'plain.mjs'),
      [
        "import { createEmulator } from 'alga-extension-emulator/harness';",
        "import { packExtension } from 'alga-extension-emulator';",
        'const emu = await createEmulator();',
        "const ext = await emu.install('hello-host');",
        "const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });",
        'console.log(JSON.stringify([typeof packExtension, res.status, res.json()]));',
        'await emu.close();',
      ].join('\n'),
    );
    const plain = await run(process.execPath, ['plain.mjs'], app);
    expect([plain.code, plain.stdout, plain.stderr]).toEqual([0, '["function",200,{"count":1,"revision":"1"}]\n', '']);
  }, 120_000);

  it('runs a Vitest file with useEmulator and the capability matchers', async () => {
    await mkdir(join(app, 'test'), { recursive: true });
    await writeFile(
      join(app, 'test/counter.test.ts'),
      [
        "import { expect, it } from 'vitest';",
        "import { useEmulator } from 'alga-extension-emulator/harness/vitest';",
        "import type { InstallResult } from 'alga-extension-emulator/harness';",
        "import 'alga-extension-emulator/harness/matchers';",
        '',
        'let ext: InstallResult;',
        "const emu = useEmulator({ setup: async (e) => { ext = await e.install('hello-host'); } });",
        '',
        "it('counts from 1 in every test', async () => {",
        "  const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });",
        "  expect([res.status, res.json()]).toEqual([200, { count: 1, revision: '1' }]);",
        "  expect(res).toHaveCalledCapability('storage.put', { namespace: 'hello-host', key: 'counter' });",
        '});',
        "it('starts again from the snapshot', async () => {",
        "  expect((await emu.invoke(ext, { method: 'POST', path: '/counter' })).json()).toEqual({ count: 1, revision: '1' });",
        '});',
      ].join('\n'),
    );
    const vitest = await run(join(app, 'node_modules/.bin/vitest'), ['run', 'test/counter.test.ts'], app);
    expect(vitest.code, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/Tests {2}2 passed \(2\)/);
  }, 180_000);

  it('runs a Playwright spec with defineAlgaConfig and the fixtures, the shell in Debian chromium', async () => {
    await writeFile(join(app, 'playwright.config.ts'), "import { defineAlgaConfig } from 'alga-extension-emulator/harness/playwright';\nexport default defineAlgaConfig({ testDir: './test', testMatch: '**/*.ui.spec.ts' });\n");
    await writeFile(
      join(app, 'test/hello.ui.spec.ts'),
      [
        "import { expect, test } from 'alga-extension-emulator/harness/playwright';",
        '',
        "test.use({ extensions: [{ source: 'hello-ui', key: 'hello-ui' }] });",
        "test('greets the admin through its handler', async ({ shell, extensionFrame, bridgeLog }) => {",
        "  await shell.open({ extension: 'hello-ui', as: 'admin', waitFor: 'ready' });",
        "  await expect(extensionFrame.locator('#greeting')).toHaveText('Hello, Morgan Admin!', { timeout: 30_000 });",
        "  await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/greeting', method: 'GET' });",
        '});',
      ].join('\n'),
    );
    const playwright = await run(join(app, 'node_modules/.bin/playwright'), ['test', '--reporter=line'], app);
    expect(playwright.code, playwright.stdout + playwright.stderr).toBe(0);
    expect(playwright.stdout).toContain('1 passed');
  }, 300_000);

  describe('the alga-emulator CLI', () => {
    let project: string;
    const dataDir = () => join(work, 'cli-data');

    it('create scaffolds a project that depends on the tarball when asked, and whose npm test passes', async () => {
      project = join(work, 'acme-notes');
      const created = await run(join(app, 'node_modules/.bin/alga-emulator'), ['create', project, '--emulator-spec', `file:${tarball}`], app);
      expect([created.code, created.stderr]).toEqual([0, '']);
      const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      expect(pkg.devDependencies['alga-extension-emulator']).toBe(`file:${tarball}`);
      const install = await run('npm', NPM_INSTALL, project);
      expect(install.code, install.stderr).toBe(0);
      const test = await run('npm', ['test'], project);
      expect(test.code, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/Tests {2}(\d+) passed \(\1\)/);
      const typecheck = await run('npm', ['run', '--silent', 'typecheck'], project);
      expect(typecheck, typecheck.stdout).toEqual({ code: 0, stdout: '', stderr: '' });
    }, 900_000);

    it('a project scaffolded by default depends on this version', async () => {
      const created = await run(join(app, 'node_modules/.bin/alga-emulator'), ['create', join(work, 'by-version'), '--no-ui'], app);
      expect(created.code, created.stderr).toBe(0);
      const pkg = JSON.parse(await readFile(join(work, 'by-version/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      expect(pkg.devDependencies['alga-extension-emulator']).toBe(`^${own.version}`);
    });

    it('build is up to date after npm test, doctor passes, publish installs it', async () => {
      const bin = join(project, 'node_modules/.bin/alga-emulator');
      const build = await run(bin, ['build', '.'], project);
      expect([build.code, build.stdout]).toEqual([0, 'dist/main.wasm is up to date\nui/app.js is up to date\n']);
      const doctor = await run(bin, ['doctor', '.', '--json'], project);
      expect(doctor.code, doctor.stdout).toBe(0);
      expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: true, problems: [] });
      const publish = await run(bin, ['publish', '.', '--data-dir', dataDir()], project);
      expect(publish.code, publish.stderr).toBe(0);
      const list = await run(bin, ['list', '--json', '--data-dir', dataDir()], project);
      expect(JSON.parse(list.stdout)).toMatchObject([{ slug: 'local-dev.acme-notes', version: '0.1.0', enabled: true }]);
    }, 240_000);

    it('npm run emulate serves the project (and the samples with --samples) without a TypeScript loader', async () => {
      const child = spawn('npm', ['run', 'emulate', '--', '--samples'], {
        cwd: project,
        env: { ...AUTHOR_ENV, PORT: '0', RUNNER_PORT: '0', EMULATOR_DATA_DIR: join(work, 'emulate-data') },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const curl = await new Promise<string>((resolve, reject) => {
          const collect = (chunk: Buffer) => {
            output += chunk.toString();
            const line = /curl -s (http:\/\/127\.0\.0\.1:\d+\/api\/ext\/local-dev\.acme-notes\/hello) -H 'authorization: Bearer (\S+)'/.exec(output);
            if (line) resolve(`${line[1]} ${line[2]}`);
          };
          child.stdout.on('data', collect);
          child.stderr.on('data', collect);
          void exited.then((code) => reject(new Error(`npm run emulate exited with ${code}:\n${output}`)));
        });
        expect(output).toContain('hello-host 0.1.0 installed');
        const [url, token] = curl.split(' ') as [string, string];
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect([res.status, await res.json()]).toEqual([200, { message: 'Hello from acme-notes!', tenant: '00000000-0000-4000-8000-000000000001' }]);
        const shell = await fetch(new URL('/', url));
        expect([shell.status, (await shell.text()).includes('<script type="module"')]).toEqual([200, true]);
      } finally {
        process.kill(-(child.pid as number), 'SIGINT');
        await exited;
      }
    }, 240_000);
  });

  it('leaves the installed package byte-identical', async () => {
    expect(await treeHashes(installedPackage)).toEqual(installedBefore);
    const projectCopy = join(work, 'acme-notes/node_modules/alga-extension-emulator');
    expect(await treeHashes(projectCopy)).toEqual(installedBefore);
  });
});
