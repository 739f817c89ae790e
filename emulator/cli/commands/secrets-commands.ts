// `secrets set`, `secrets clear`, `secrets list`: an install's sealed secrets. Only names and the
// secrets version are ever printed; values never leave the registry through this CLI.
import type { SecretsMetadata } from '../../registry/install-state.ts';
import { BIN, parsePairs } from './args.ts';
import { withEmulatorData } from './data.ts';
import { report } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

function metadataLines(title: string, meta: SecretsMetadata): string[] {
  const names = meta.names.length === 0 ? ['    (none)'] : meta.names.map((name) => `    ${name}`);
  return [title, `  secrets version: ${meta.secretsVersion ?? '(never written)'}`, '  names:', ...names];
}

/** The metadata as JSON: names and versions only, by construction. */
function metadataJson(slug: string, tenantId: string, meta: SecretsMetadata): Record<string, unknown> {
  return { slug, tenantId, installId: meta.installId, names: meta.names, secretsVersion: meta.secretsVersion, hasEnvelope: meta.hasEnvelope };
}

interface SecretsRegistry {
  setSecrets(tenantId: string, ref: string, values: Readonly<Record<string, string>>): SecretsMetadata;
  clearSecrets(tenantId: string, ref: string): SecretsMetadata;
  listSecrets(tenantId: string, ref: string): SecretsMetadata;
}

type SecretsAction = (registry: SecretsRegistry, tenantId: string, ref: string) => SecretsMetadata;

/** Runs one secrets action on `<ext>` and prints the metadata under `title`. */
function runSecrets(input: CommandInput, io: Output, title: string, action: SecretsAction): Promise<number> {
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const ref = input.args[0] as string;
    const meta = action(data.registry, tenantId, ref);
    const slug = data.registry.installOf(tenantId, ref)?.slug ?? ref;
    return report(io, input.globals, metadataJson(slug, tenantId, meta), metadataLines(`${title} ${slug} for tenant ${tenantId}`, meta));
  });
}

function setSecrets(input: CommandInput, io: Output): Promise<number> {
  // Parsed before the data folder is opened, so a malformed argument changes nothing.
  const values = Object.fromEntries(parsePairs(input.args.slice(1), { secret: true, label: 'secrets set' }));
  return runSecrets(input, io, 'updated secrets of', (registry, tenantId, ref) => registry.setSecrets(tenantId, ref, values));
}

export const SECRETS_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'secrets set',
    summary: "merge secrets into an install's sealed set (key= with an empty value drops the key)",
    usage: '<ext> key=value…',
    args: { min: 2, max: Infinity },
    options: {},
    example: `${BIN} secrets set acme.cli-ui api_key="$API_KEY" old_key=`,
    details: ['Values typed on the command line stay in your shell history; prefer key="$VARIABLE". Values are never printed.'],
    run: setSecrets,
  },
  {
    name: 'secrets clear',
    summary: 'remove every secret of an install',
    usage: '<ext>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} secrets clear acme.cli-ui`,
    run: (input, io) => runSecrets(input, io, 'cleared secrets of', (registry, tenantId, ref) => registry.clearSecrets(tenantId, ref)),
  },
  {
    name: 'secrets list',
    summary: "list the names and secrets version of an install's secrets (never values)",
    usage: '<ext>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} secrets list acme.cli-ui`,
    run: (input, io) => runSecrets(input, io, 'secrets of', (registry, tenantId, ref) => registry.listSecrets(tenantId, ref)),
  },
];
