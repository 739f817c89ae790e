import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.ts';
import { commandHelp, globalHelp } from './help.ts';
import { cliFixture, DEFAULT_TENANT, runIn, tempDir } from './test-support.ts';

describe('alga-emulator help', () => {
  it('should list every command with its one-line summary and an example', async () => {
    const { code, out, err } = await runIn('/', ['--help']);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual(globalHelp(COMMANDS));
    for (const command of COMMANDS) {
      expect(out.some((line) => line.startsWith(`  ${command.name} `) && line.endsWith(command.summary))).toBe(true);
      expect(out).toContain(`${' '.repeat(Math.max(...COMMANDS.map((c) => c.name.length)) + 4)}  e.g. ${command.example}`);
    }
  });

  it('should print a command\'s help with -h, --help or `help <command>`', async () => {
    const publish = COMMANDS.find((c) => c.name === 'publish');
    const expected = commandHelp(publish as (typeof COMMANDS)[number]);
    expect(expected[0]).toBe('Usage: alga-emulator publish <dir|bundle.tar.zst> [options]');
    expect(expected.at(-1)).toBe('Example: alga-emulator publish sample-extensions/hello-host');
    for (const argv of [['publish', '-h'], ['publish', '--help'], ['help', 'publish']]) {
      expect(await runIn('/', argv)).toEqual({ code: 0, out: expected, err: [] });
    }
  });

  it('should print a subcommand\'s help and the subcommands of a group', async () => {
    const set = await runIn('/', ['help', 'config', 'set']);
    expect(set.out[0]).toBe('Usage: alga-emulator config set <ext> [key=value…] [options]');
    expect(set.out).toContain('  --grant <cap>   grant an extra provider, e.g. cap:http.fetch (repeatable)');
    const group = await runIn('/', ['secrets', '--help']);
    expect(group.code).toBe(0);
    expect(group.out[0]).toBe('Usage: alga-emulator secrets <set|clear|list> …');
  });
});

describe('alga-emulator usage errors (exit 2)', () => {
  it.each([
    [[], 'error USAGE: no command given; pick one of the commands above.'],
    [['publsh', 'x'], 'error USAGE: unknown command "publsh". Did you mean "publish"? Run `alga-emulator --help` for the list of commands.'],
    [['frobnicate'], 'error USAGE: unknown command "frobnicate". Run `alga-emulator --help` for the list of commands.'],
    [['config'], 'error USAGE: "config" needs a subcommand: get, set. Run `alga-emulator config --help`.'],
    [['config', 'gett', 'x'], 'error USAGE: unknown command "config gett". Did you mean "config get"? Run `alga-emulator config --help`.'],
    [['pack', 'ext', '--outt', 'x'], 'error USAGE: unknown option --outt for "pack". Did you mean --out? Run `alga-emulator pack --help`.'],
    [['pack', 'ext', '--out'], 'error USAGE: option --out of "pack" needs a value (--out <file>). Run `alga-emulator pack --help`.'],
    [['install'], 'error USAGE: "install" takes 1 argument (<ext>), got 0. Run `alga-emulator install --help`.'],
    [['install', 'x'], 'error USAGE: "install" needs --version. Run `alga-emulator install --help`.'],
    [['list', 'extra'], 'error USAGE: "list" takes no arguments, got 1. Run `alga-emulator list --help`.'],
    [['list', '--json=1'], 'error USAGE: option --json of "list" takes no value. Run `alga-emulator list --help`.'],
    [['verify', 'b.tar.zst', '--mode', 'lax'], 'error USAGE: --mode (or SIGNING_MODE) must be one of dev, strict, off; got "lax".'],
    [['keygen', '--algorithm', 'rsa'], 'error USAGE: --algorithm must be one of ed25519, ecdsa-p256; got "rsa".'],
  ])('%j', async (argv, line) => {
    const dir = await tempDir();
    const { code, err } = await runIn(dir, argv);
    expect(code).toBe(2);
    expect(err).toEqual([line]);
  });

  it('should print the command list before complaining that no command was given', async () => {
    const { out } = await runIn('/', []);
    expect(out).toEqual(globalHelp(COMMANDS));
  });
});

describe('alga-emulator global options', () => {
  it('should take --data-dir before or after the command, relative to the working folder', async () => {
    const cwd = await tempDir();
    expect((await runIn(cwd, ['--data-dir', 'a', 'reset'])).out).toEqual([`nothing to remove in ${join(cwd, 'a')}`]);
    expect((await runIn(cwd, ['reset', '--data-dir=b'])).out).toEqual([`nothing to remove in ${join(cwd, 'b')}`]);
  });

  it('should fall back to EMULATOR_DATA_DIR, then .emulator', async () => {
    const cwd = await tempDir();
    expect((await runIn(cwd, ['reset'], { EMULATOR_DATA_DIR: 'env-data' })).out).toEqual([`nothing to remove in ${join(cwd, 'env-data')}`]);
    expect((await runIn(cwd, ['reset'])).out).toEqual([`nothing to remove in ${join(cwd, '.emulator')}`]);
  });

  it('should act for --tenant, else ALGA_TENANT_ID, else the default tenant', async () => {
    const fx = await cliFixture();
    const other = '11111111-1111-4111-8111-111111111111';
    const line = (tenant: string, published = 0) => `no extensions installed for tenant ${tenant} (${published} published; install one with \`alga-emulator install <ext> --version <v>\`)`;
    expect((await fx.run(['list'])).out).toEqual([line(DEFAULT_TENANT)]);
    expect((await fx.run(['list'], { ALGA_TENANT_ID: other })).out).toEqual([line(other)]);
    expect((await fx.run(['list', '--tenant', other])).out).toEqual([line(other)]);
  });
});

describe('alga-emulator unexpected errors', () => {
  it('should print an emulator error as `error <CODE>: <message>` with exit 1', async () => {
    const fx = await cliFixture();
    const { code, out, err } = await fx.run(['enable', 'nothing-here']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^error EXTENSION_NOT_FOUND: extension "nothing-here" is not in the registry\./);
  });
});
