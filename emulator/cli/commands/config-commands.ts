// `config get` and `config set`: an install's string map and its extra provider grants.
import { EmulatorError } from '../../errors.ts';
import type { ConfigChange, InstallConfig } from '../../registry/install-state.ts';
import { KNOWN_CAPABILITIES } from '../../capabilities/index.ts';
import { BIN, flagOption, listOption, parsePairs, usageError } from './args.ts';
import { withEmulatorData } from './data.ts';
import { mapLines, report } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

function configLines(title: string, config: InstallConfig): string[] {
  return [title, `  version: ${config.version || '(never written)'}`, `  providers: ${config.providers.join(', ') || '(none)'}`, '  config:', ...mapLines(config.config, '    ')];
}

async function configGet(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const ref = input.args[0] as string;
    const config = data.registry.getConfig(tenantId, ref);
    const slug = data.registry.installOf(tenantId, ref)?.slug ?? ref;
    return report(io, input.globals, { slug, tenantId, ...config }, configLines(`config of ${slug} for tenant ${tenantId}`, config));
  });
}

/** Builds the change from `key=value` arguments and the flags; nothing to change is a usage error. */
export function configChange(input: CommandInput): ConfigChange {
  const values: Record<string, string | null> = Object.fromEntries(parsePairs(input.args.slice(1), { secret: false, label: 'config set' }));
  for (const key of listOption(input.options, 'unset')) values[key] = null;
  const addProviders = checkCaps(listOption(input.options, 'grant'), 'grant');
  const removeProviders = checkCaps(listOption(input.options, 'revoke'), 'revoke');
  const replace = flagOption(input.options, 'replace');
  if (Object.keys(values).length === 0 && addProviders.length === 0 && removeProviders.length === 0 && !replace) {
    throw usageError(`"config set" needs something to change: key=value, --unset <key>, --replace, --grant <cap> or --revoke <cap>. Run \`${BIN} config set --help\`.`);
  }
  return { values, replace, addProviders, removeProviders };
}

// The registry stores whatever provider string it is given; refusing unknown ones here keeps a
// typo from looking like a grant that silently never applies.
function checkCaps(caps: readonly string[], flag: string): string[] {
  const known: readonly string[] = KNOWN_CAPABILITIES;
  const normalised = caps.map((cap) => cap.trim().toLowerCase());
  const unknown = normalised.filter((cap) => !known.includes(cap));
  if (unknown.length > 0) {
    throw new EmulatorError('CAPABILITY_UNKNOWN', `--${flag} ${unknown.map((c) => `"${c}"`).join(', ')}: not a known capability. Known capabilities: ${known.join(', ')}.`);
  }
  return normalised;
}

async function configSet(input: CommandInput, io: Output): Promise<number> {
  const change = configChange(input);
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const ref = input.args[0] as string;
    const before = data.registry.getConfig(tenantId, ref);
    const config = data.registry.setConfig(tenantId, ref, change);
    const slug = data.registry.installOf(tenantId, ref)?.slug ?? ref;
    const lines = configLines(`updated config of ${slug} for tenant ${tenantId}`, config);
    lines.splice(2, 0, `  previous version: ${before.version || '(never written)'}`);
    return report(io, input.globals, { slug, tenantId, previousVersion: before.version, ...config }, lines);
  });
}

export const CONFIG_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'config get',
    summary: "print an install's config map, providers and config version",
    usage: '<ext>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} config get acme.cli-ui`,
    run: configGet,
  },
  {
    name: 'config set',
    summary: "change an install's config (merged; every write gets a new version) and provider grants",
    usage: '<ext> [key=value…]',
    args: { min: 1, max: Infinity },
    options: {
      unset: { type: 'string', multiple: true, value: '<key>', description: 'remove a key' },
      replace: { type: 'boolean', description: 'start from an empty map instead of merging' },
      grant: { type: 'string', multiple: true, value: '<cap>', description: 'grant an extra provider, e.g. cap:http.fetch' },
      revoke: { type: 'string', multiple: true, value: '<cap>', description: 'remove a provider' },
    },
    example: `${BIN} config set acme.cli-ui region=eu --unset legacy --grant cap:http.fetch`,
    run: configSet,
  },
];
