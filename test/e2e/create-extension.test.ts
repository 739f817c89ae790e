// `npm run create-extension` end to end, as an author lives it: scaffold a project outside this
// repository, "install" it (its devDependencies linked from this checkout, which is what
// `npm install` does with the default file: dependency), then run its own npm scripts: build
// (real componentize), typecheck, doctor, pack, test and emulate. Slow: one componentize (~20 s).
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureShellBuilt } from '../../emulator/shell/build.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** What an author's shell passes on: nothing of this Vitest run (VITEST, NODE_ENV, npm_*). */
const AUTHOR_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', FORCE_COLOR: '0' };

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...AUTHOR_ENV, ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const npm = (args: readonly string[], cwd: string, env?: Record<string, string>) => run('npm', args, cwd, env);

/**
 * This checkout as an installed alga-extension-emulator: its package.json with every entry point
 * and the bin mapped from the compiled `dist/` (built only by `npm pack`) back to the sources,
 * beside links to the checkout's folders. Files resolve to their real paths in the checkout, so
 * Vitest and tsc read the TypeScript as they do here. (test/e2e/package-tarball.test.ts installs
 * the real tarball.)
 */
async function sourcePackage(): Promise<string> {
  const view = join(work, 'alga-extension-emulator');
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; bin: Record<string, string> };
  const toSource = (value: unknown): unknown =>
    typeof value !== 'string' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toSource(v)]))
    : value.includes('/generated/') ? value.replace(/^\.\/dist\//, './') // declarations in the sources too
    : value.replace(/^\.\/dist\//, './').replace(/(\.d)?\.ts$|\.js$/, '.ts');
  pkg.exports = toSource(pkg.exports) as Record<string, unknown>;
  pkg.bin = { 'alga-emulator': 'emulator/cli/bin/alga-emulator.js' };
  await mkdir(view, { recursive: true });
  await writeFile(join(view, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const folder of ['emulator', 'harness', 'sample-extensions', 'node_modules']) await symlink(join(ROOT, folder), join(view, folder));
  return view;
}

/**
 * `npm install` of a scaffolded project, offline: each devDependency is linked from this checkout
 * (alga-extension-emulator is the checkout's source view above), with the packages' bins in
 * node_modules/.bin.
 */
async function linkDependencies(project: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  for (const name of Object.keys(pkg.devDependencies)) {
    const from = name === 'alga-extension-emulator' ? emulatorView : join(ROOT, 'node_modules', name);
    await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true });
    await symlink(from, join(project, 'node_modules', name));
    const own = JSON.parse(await readFile(join(from, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bins = typeof own.bin === 'string' ? { [name.split('/').at(-1) as string]: own.bin } : (own.bin ?? {});
    await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
    for (const [bin, file] of Object.entries(bins)) await symlink(join('..', name, file), join(project, 'node_modules/.bin', bin));
  }
}

/** sha256 of every file of the emulator's own folders (emulator/, harness/, sample-extensions/), by path. */
async function treeHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out[path] = createHash('sha256').update(await readFile(join(root, path))).digest('hex');
    }
  };
  for (const folder of ['emulator', 'harness', 'sample-extensions']) await walk(folder);
  return out;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

/** `npm test` with Vitest's JSON report written beside the project. */
async function npmTest(project: string): Promise<{ run: Run; report: VitestReport }> {
  const outputFile = join(project, '..', `${project.split('/').at(-1)}-vitest.json`);
  const result = await npm(['test', '--', '--reporter=json', `--outputFile=${outputFile}`], project);
  const report = JSON.parse(await readFile(outputFile, 'utf8').catch(() => '{}')) as VitestReport;
  return { run: result, report };
}

const HANDLER_TESTS = [
  'acme-notes handler GET /hello greets the calling tenant',
  'acme-notes handler POST /notes stores notes that GET /notes lists, in order',
  'acme-notes handler POST /notes without text answers 400 and stores nothing',
  'acme-notes handler answers 404 for a route manifest.json does not declare',
  'acme-notes handler makes only host calls its manifest grants',
];

let work: string;
let project: string;
let emulatorView: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'create-extension-'));
  project = join(work, 'acme-notes');
  emulatorView = await sourcePackage();
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('npm run create-extension, then the project\'s own scripts', () => {
  it('scaffolds into the folder the command was typed in (npm run sets INIT_CWD)', async () => {
    const created = await npm(['run', '--silent', '--prefix', ROOT, 'create-extension', '--', 'acme-notes'], work);
    expect([created.code, created.stderr]).toEqual([0, '']);
    expect(created.stdout.split('\n').slice(0, 2)).toEqual([`created acme-notes (handler and iframe UI) in ${project}:`, '  manifest.json']);
    await linkDependencies(project);
  }, 60_000);

  it('refuses to scaffold into it again, exit 1 with SCAFFOLD_DIR_NOT_EMPTY', async () => {
    const again = await npm(['run', '--silent', '--prefix', ROOT, 'create-extension', '--', 'acme-notes'], work);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error SCAFFOLD_DIR_NOT_EMPTY: Failed to create the extension project in acme-notes: the folder is not empty (11 entries: .gitignore, README.md, manifest.json, …). Pick a new or empty folder, or pass --force to write the project's files into it (files of the same name are overwritten, other files are kept).\n",
    });
  }, 60_000);

  it('refuses options npm would swallow without "--", exit 2, writing nothing', async () => {
    const swallowed = await npm(['run', '--silent', '--prefix', ROOT, 'create-extension', 'other', '--no-ui'], work);
    expect(swallowed).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error USAGE: npm kept --no-ui for itself, so create-extension never saw it. Put options after "--": npm run create-extension -- <dir> --no-ui\n',
    });
    await expect(stat(join(work, 'other'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  it('npm run build componentizes dist/main.wasm and bundles ui/app.js, then skips both when unchanged', async () => {
    const first = await npm(['run', '--silent', 'build'], project);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^built dist\/main\.wasm in \d+\.\d s$/), 'built ui/app.js']);
    expect(first.stderr.trim().split('\n')).toEqual(['building dist/main.wasm from src/handler.ts…', 'bundling ui/app.js from ui-src/main.ts…']);
    expect((await stat(join(project, 'dist/main.wasm'))).size).toBeGreaterThan(1_000_000);
    const second = await npm(['run', '--silent', 'build'], project);
    expect([second.code, second.stdout]).toEqual([0, 'dist/main.wasm is up to date\nui/app.js is up to date\n']);
  }, 240_000);

  it('npm run typecheck passes (handler, UI, tests and config under the project\'s tsconfig)', async () => {
    expect(await npm(['run', '--silent', 'typecheck'], project)).toEqual({ code: 0, stdout: '', stderr: '' });
  }, 120_000);

  let contentHash = '';
  it('npm run doctor finds no problems; the only warning is the missing signature (dev mode)', async () => {
    const doctor = await npm(['run', '--silent', 'doctor', '--', '--json'], project);
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout) as { ok: boolean; problems: unknown[]; warnings: { code: string }[]; checked: string[]; contentHash: string };
    expect(report).toMatchObject({ ok: true, problems: [], checked: ['archive', 'entries', 'manifest', 'wasm', 'component', 'ui', 'signature'] });
    expect(report.warnings.map((w) => w.code)).toEqual(['SIGNATURE_MISSING']);
    contentHash = report.contentHash;
  }, 120_000);

  it('npm run pack writes bundle.tar.zst with the component, the manifest and the built UI', async () => {
    const pack = await npm(['run', '--silent', 'pack', '--', '--json'], project);
    expect(pack.code).toBe(0);
    const json = pack.stdout.slice(pack.stdout.indexOf('{'));
    const packed = JSON.parse(json) as { bundle: string; contentHash: string; files: string[] };
    expect(packed.bundle).toBe(join(project, 'bundle.tar.zst'));
    expect(packed.contentHash).toBe(contentHash);
    expect([...packed.files].sort()).toEqual(['dist/main.wasm', 'manifest.json', 'ui/app.js', 'ui/index.html', 'ui/style.css']);
  }, 120_000);

  it('npm test passes the scaffolded tests against the emulator', async () => {
    const { run: result, report } = await npmTest(project);
    expect(result.code).toBe(0);
    expect([report.numPassedTests, report.numFailedTests]).toEqual([7, 0]);
    expect(report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.fullName, a.status]))).toEqual([
      ...HANDLER_TESTS.map((name) => [name, 'passed']),
      ['acme-notes UI reaches the handler through the iframe bridge route', 'passed'],
      ['acme-notes UI is served by the Runner with its built script', 'passed'],
    ]);
  }, 180_000);

  it('npm run emulate publishes and watches the project, and its printed curl answers, writing nothing into the emulator', async () => {
    // A checkout builds its shell page into emulator/shell/dist when the page's sources changed (as
    // `npm run build:shell` does); an installed package ships it (test/e2e/package-tarball.test.ts).
    await ensureShellBuilt();
    const before = await treeHashes(ROOT);
    const child = spawn('npm', ['run', 'emulate'], {
      cwd: project,
      env: { ...AUTHOR_ENV, PORT: '0', RUNNER_PORT: '0', EMULATOR_DATA_DIR: join(work, 'emulate-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so that SIGINT reaches npm, the CLI and the emulator as Ctrl-C would
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
      expect(output).toContain(`${project} (watched) 0.1.0 installed`);
      const [url, token] = curl.split(' ') as [string, string];
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect([res.status, await res.json()]).toEqual([200, { message: 'Hello from acme-notes!', tenant: '00000000-0000-4000-8000-000000000001' }]);
      expect(output).not.toContain('hello-host');
    } finally {
      process.kill(-(child.pid as number), 'SIGINT');
      await exited;
    }
    expect(await treeHashes(ROOT)).toEqual(before);
  }, 240_000);
});

describe('create-extension --no-ui', () => {
  it('scaffolds a handler-only project that passes the doctor and its own tests', async () => {
    const plain = join(work, 'handler-only');
    const created = await run(process.execPath, [join(ROOT, 'emulator/cli/bin/alga-emulator.js'), 'create', 'handler-only', '--no-ui', '--name', 'acme-notes'], work);
    expect([created.code, created.stdout.split('\n')[0]]).toEqual([0, `created acme-notes (handler) in ${plain}:`]);
    await linkDependencies(plain);
    // Same name and handler source as the UI project, so its build cache applies: no second componentize.
    await cp(join(project, 'dist'), join(plain, 'dist'), { recursive: true });

    const doctor = await npm(['run', '--silent', 'doctor', '--', '--json'], plain);
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: true, problems: [], checked: ['archive', 'entries', 'manifest', 'wasm', 'component', 'ui', 'signature'] });

    const { run: result, report } = await npmTest(plain);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('dist/main.wasm is up to date');
    expect(report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.fullName, a.status]))).toEqual(HANDLER_TESTS.map((name) => [name, 'passed']));
  }, 240_000);
});
