// `data load` / `data export`: a tenant's PSA data (clients, services, tax rates, invoices) in
// <dataDir>/psa.sqlite, read from and written to a JSON or YAML fixture without running servers.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeError, EmulatorError } from '../../errors.ts';
import { parseFixtureText, type FixtureMode } from '../../psa/fixture.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import { PSA_DB_FILE } from '../../psa/shared-store.ts';
import { BIN, stringOption, usageError } from './args.ts';
import { withEmulatorData } from './data.ts';
import { count, report } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

function withPsaStore<T>(dataDir: string, fn: (store: PsaStore) => T): T {
  mkdirSync(dataDir, { recursive: true });
  const store = new PsaStore({ file: join(dataDir, PSA_DB_FILE) });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function oneOf<T extends string>(input: CommandInput, name: string, allowed: readonly T[], fallback: T): T {
  const given = stringOption(input.options, name);
  if (given === undefined) return fallback;
  if ((allowed as readonly string[]).includes(given)) return given as T;
  throw usageError(`--${name} must be one of ${allowed.join(', ')}; got "${given}".`);
}

async function load(input: CommandInput, io: Output): Promise<number> {
  const given = input.args[0] as string;
  const mode = oneOf<FixtureMode>(input, 'mode', ['replace', 'extend'], 'replace');
  const path = resolve(input.ctx.cwd, given);
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new EmulatorError('FILE_UNREADABLE', `Failed to read the PSA fixture ${given}: ${describeError(err)}. Fix: check the path and its permissions.`, { cause: err });
  });
  const fixture = await parseFixtureText(text, given);
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const loaded = withPsaStore(data.settings.dataDir, (store) => {
      store.loadFixture(tenantId, fixture, mode);
      return store.exportFixture(tenantId);
    });
    const counts = { clients: loaded.clients.length, services: loaded.services.length, taxRates: loaded.taxRates.length, invoices: loaded.invoices.length };
    const line = `loaded ${given} (${mode}) for tenant ${tenantId}: now ${count(counts.clients, 'client')}, ${count(counts.services, 'service')}, ${count(counts.taxRates, 'tax rate')}, ${count(counts.invoices, 'invoice')}`;
    return report(io, input.globals, { tenantId, mode, ...counts }, [line]);
  });
}

async function exportData(input: CommandInput, io: Output): Promise<number> {
  const format = oneOf(input, 'format', ['yaml', 'json'], 'yaml');
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const fixture = withPsaStore(data.settings.dataDir, (store) => store.exportFixture(tenantId));
    io.out(format === 'json' || input.globals.json ? JSON.stringify(fixture, null, 2) : (await import('yaml')).stringify(fixture).trimEnd());
    return 0;
  });
}

export const DATA_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'data load',
    summary: 'load PSA fixture data (clients, services, tax rates, invoices) for a tenant from a JSON or YAML file',
    usage: '<file>',
    args: { min: 1, max: 1 },
    options: { mode: { type: 'string', value: '<replace|extend>', description: 'replace the tenant\'s PSA data (default) or add to it, replacing records by id' } },
    example: `${BIN} data load fixtures/psa.yaml --mode extend`,
    details: [
      'The format is in emulator/README.md (PSA fixture data); amounts are in cents. A bad record is refused with PSA_FIXTURE_INVALID naming it and its field, and nothing is loaded.',
    ],
    run: load,
  },
  {
    name: 'data export',
    summary: 'print a tenant\'s PSA data as a fixture that `data load` reads back',
    usage: '',
    args: { min: 0, max: 0 },
    options: { format: { type: 'string', value: '<yaml|json>', description: 'output format (default yaml)' } },
    example: `${BIN} data export --format json > psa.json`,
    run: exportData,
  },
];
