// `install`, `uninstall`, `update`, `enable`, `disable`, `list`: a tenant's installs.
import type { InstallView } from '../../registry/registry.ts';
import { BIN, flagOption, requiredOption } from './args.ts';
import { withEmulatorData } from './data.ts';
import { report } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

const EXT = { min: 1, max: 1 };

function slugOf(row: { publisher: string; name: string }): string {
  return `${row.publisher}.${row.name}`.toLowerCase();
}

async function install(input: CommandInput, io: Output): Promise<number> {
  const version = requiredOption(input.options, 'version', 'install');
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const slug = slugOf(data.registry.extension(input.args[0] as string));
    const result = await data.registry.install(tenantId, input.args[0] as string, version);
    return report(io, input.globals, { ...result, slug, tenantId }, [
      `installed ${slug} ${result.version} for tenant ${tenantId}`,
      `  install id: ${result.installId}`,
    ]);
  });
}

async function uninstall(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const slug = slugOf(data.registry.extension(input.args[0] as string));
    const result = data.registry.uninstall(tenantId, input.args[0] as string);
    return report(io, input.globals, { ...result, slug, tenantId }, [`uninstalled ${slug} for tenant ${tenantId} (its config, secrets and schedules are gone)`]);
  });
}

async function update(input: CommandInput, io: Output): Promise<number> {
  const version = requiredOption(input.options, 'version', 'update');
  const disableMissing = flagOption(input.options, 'disable-missing-schedules');
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const ref = input.args[0] as string;
    const slug = slugOf(data.registry.extension(ref));
    const from = data.registry.installOf(tenantId, ref)?.version;
    const result = await data.registry.update(tenantId, ref, version, disableMissing);
    return report(io, input.globals, { ...result, slug, tenantId, previousVersion: from ?? null }, [
      `updated ${slug} for tenant ${tenantId}: ${from ?? '?'} → ${result.version}`,
      `  install id: ${result.installId}`,
    ]);
  });
}

function toggle(enabled: boolean) {
  return (input: CommandInput, io: Output): Promise<number> =>
    withEmulatorData(input, io, async (data, { tenantId }) => {
      const view = data.registry.setEnabled(tenantId, input.args[0] as string, enabled);
      return report(io, input.globals, installJson(view), [`${enabled ? 'enabled' : 'disabled'} ${view.slug} ${view.version} for tenant ${tenantId}`]);
    });
}

function installJson(view: InstallView): Record<string, unknown> {
  return {
    slug: view.slug,
    registryId: view.registryId,
    version: view.version,
    enabled: view.enabled,
    status: view.status,
    contentHash: view.contentHash,
    installId: view.installId,
    tenantId: view.tenantId,
    grantedCaps: view.grantedCaps,
    runnerDomain: view.runnerDomain,
  };
}

async function list(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const installs = data.registry.installs(tenantId).sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    if (installs.length === 0) {
      const published = data.registry.extensions().length;
      return report(io, input.globals, [], [
        `no extensions installed for tenant ${tenantId} (${published} published; install one with \`${BIN} install <ext> --version <v>\`)`,
      ]);
    }
    const rows = installs.map((v) => [v.slug, v.version, v.enabled ? 'yes' : 'no', v.contentHash ?? '-', v.installId]);
    return report(io, input.globals, installs.map(installJson), table(['EXTENSION', 'VERSION', 'ENABLED', 'CONTENT HASH', 'INSTALL ID'], rows));
  });
}

/** Left-aligned columns separated by two spaces, without trailing spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

const REF = 'extension: registry id, publisher.name slug, or name';

export const INSTALL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'install',
    summary: 'install a published version for the tenant (or move the install to it)',
    usage: '<ext>',
    args: EXT,
    options: { version: { type: 'string', value: '<v>', description: 'version to install; X.Y.* takes the highest published patch' } },
    example: `${BIN} install acme.cli-ui --version 1.0.0`,
    details: [`<ext> is the ${REF}.`],
    run: install,
  },
  {
    name: 'uninstall',
    summary: "remove the tenant's install with its config, secrets and schedules",
    usage: '<ext>',
    args: EXT,
    options: {},
    example: `${BIN} uninstall acme.cli-ui`,
    run: uninstall,
  },
  {
    name: 'update',
    summary: 'move an install to another version, remapping its schedules',
    usage: '<ext>',
    args: EXT,
    options: {
      version: { type: 'string', value: '<v>', description: 'version to move to' },
      'disable-missing-schedules': { type: 'boolean', description: 'disable schedules whose endpoint the new version lacks instead of failing' },
    },
    example: `${BIN} update acme.cli-ui --version 1.1.0`,
    run: update,
  },
  { name: 'enable', summary: "enable the tenant's install", usage: '<ext>', args: EXT, options: {}, example: `${BIN} enable acme.cli-ui`, run: toggle(true) },
  { name: 'disable', summary: "disable the tenant's install (kept, but not served)", usage: '<ext>', args: EXT, options: {}, example: `${BIN} disable acme.cli-ui`, run: toggle(false) },
  {
    name: 'list',
    summary: "list the tenant's installs: extension, version, enabled, content hash, install id",
    usage: '',
    args: { min: 0, max: 0 },
    options: {},
    example: `${BIN} list --json`,
    run: list,
  },
];
