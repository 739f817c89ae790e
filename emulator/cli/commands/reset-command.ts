// `reset`: removes what the emulator created in its data folder, and nothing else.
import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { EmulatorError } from '../../errors.ts';
import { RUNNING_FILE } from '../../host/running-file.ts';
import { BIN, flagOption } from './args.ts';
import { count, formatBytes, report } from './output.ts';
import type { CliContext, CommandInput, CommandSpec, Output } from './types.ts';

const DATABASES = ['registry.sqlite', 'storage.sqlite', 'psa.sqlite'];
/** Everything the emulator writes at the top of its data folder (SQLite adds -wal/-shm/-journal). */
export const EMULATOR_ENTRIES: ReadonlySet<string> = new Set([
  ...DATABASES.flatMap((db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]),
  'bundles',
  'cache',
  'keys',
  RUNNING_FILE,
]);

function refused(message: string): EmulatorError {
  return new EmulatorError('RESET_REFUSED', message);
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/** Never empties `/`, the home folder or the working folder, whatever --data-dir says. */
async function refuseDangerous(dir: string, ctx: CliContext): Promise<void> {
  const real = await canonical(dir);
  const reasons: [string, boolean][] = [
    ['the filesystem root', parse(real).root === real],
    ['your home folder', real === (await canonical(ctx.home))],
    ['the current folder', real === (await canonical(ctx.cwd))],
  ];
  const hit = reasons.find(([, yes]) => yes);
  if (hit) throw refused(`refusing to reset ${dir}: it is ${hit[0]}. Point --data-dir (or EMULATOR_DATA_DIR) at the emulator's data folder, e.g. .emulator.`);
}

/** Bytes under `path`, counting links as themselves (never followed). */
async function sizeOf(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

async function entriesOf(dir: string): Promise<{ ours: string[]; foreign: string[] } | undefined> {
  const stats = await lstat(dir).catch(() => null);
  if (stats === null) return undefined;
  if (!stats.isDirectory()) throw refused(`${dir} is not a folder; point --data-dir at the emulator's data folder.`);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = (which: boolean) => entries.filter((e) => EMULATOR_ENTRIES.has(e.name) === which).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  return { ours: names(true).map((n) => n.replace(/\/$/, '')), foreign: names(false) };
}

async function reset(input: CommandInput, io: Output): Promise<number> {
  const dir = input.globals.dataDir;
  await refuseDangerous(dir, input.ctx);
  const entries = await entriesOf(dir);
  const force = flagOption(input.options, 'force');
  if (entries && entries.foreign.length > 0 && !force) {
    throw refused(
      `${dir} holds ${count(entries.foreign.length, 'item')} the emulator did not create: ${entries.foreign.join(', ')}. Remove them by hand, or pass --force to remove only what the emulator created and keep them.`,
    );
  }
  if (!entries || entries.ours.length === 0) return report(io, input.globals, { dataDir: dir, removed: [], kept: entries?.foreign ?? [] }, [`nothing to remove in ${dir}`]);
  const removed: { path: string; bytes: number }[] = [];
  for (const name of entries.ours) {
    const path = join(dir, name);
    const bytes = await sizeOf(path);
    await rm(path, { recursive: true, force: true });
    removed.push({ path, bytes });
  }
  const total = removed.reduce((sum, r) => sum + r.bytes, 0);
  const lines = [
    ...removed.map((r) => `removed ${r.path} (${formatBytes(r.bytes)})`),
    ...entries.foreign.map((name) => `kept ${join(dir, name)} (not created by the emulator)`),
    `reset ${dir}: removed ${count(removed.length, 'item')}, ${formatBytes(total)}`,
  ];
  return report(io, input.globals, { dataDir: dir, removed, kept: entries.foreign }, lines);
}

export const RESET_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'reset',
    summary: 'delete what the emulator created in the data folder (registry, bundles, caches, keys, storage)',
    usage: '',
    args: { min: 0, max: 0 },
    options: { force: { type: 'boolean', description: 'proceed even if the folder holds other files (they are kept)' } },
    example: `${BIN} reset --data-dir .emulator`,
    details: [
      `Removes ${[...EMULATOR_ENTRIES].join(', ')}. Stop a running emulator on the folder first.`,
      'Refuses /, your home folder, the current folder, and folders holding anything else (unless --force).',
    ],
    run: reset,
  },
];
