import { resolve } from 'node:path';
import { EmulatorError } from '../errors.ts';
import { DEFAULT_TENANT_ID } from '../registry/identity.ts';
import { SIGNING_SETTINGS, parseSigningMode, type SigningMode } from '../signing/index.ts';

/**
 * Settings of the whole emulator (`npm run emulate`, the `alga-emulator` CLI, the harness), on
 * top of the Runner's own. Drives parsing and the README table.
 */
export const EMULATOR_SETTINGS = [
  ['PORT', '3000', 'main port of `npm run emulate`: publish API (Gateway and shell later), like the host app'],
  ['RUNNER_PORT', '8085', 'port of the emulator\'s Runner'],
  ['ALGA_API_KEY', 'generated once', 'the accepted dev API key (the official CLI reads the same variable)'],
  ['ALGA_TENANT_ID', DEFAULT_TENANT_ID, 'id of the default tenant (the official CLI reads the same variable)'],
  ...SIGNING_SETTINGS,
] as const;

export interface EmulatorSettings {
  port: number;
  runnerPort: number;
  host: string;
  dataDir: string;
  apiKey: string | undefined;
  tenantId: string;
  signingMode: SigningMode;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadEmulatorSettings(env: Env, overrides: Partial<EmulatorSettings> = {}): EmulatorSettings {
  return {
    port: overrides.port ?? port(env, 'PORT', 3000),
    runnerPort: overrides.runnerPort ?? port(env, 'RUNNER_PORT', 8085),
    host: overrides.host ?? (env.HOST || '127.0.0.1'),
    dataDir: resolve(overrides.dataDir ?? (env.EMULATOR_DATA_DIR || '.emulator')),
    apiKey: overrides.apiKey ?? (env.ALGA_API_KEY?.trim() || undefined),
    tenantId: overrides.tenantId ?? (env.ALGA_TENANT_ID?.trim() || DEFAULT_TENANT_ID),
    signingMode: overrides.signingMode ?? parseSigningMode(env.SIGNING_MODE, 'dev'),
  };
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new EmulatorError('CONFIG_INVALID', `${name} must be a port number 0-65535, got "${raw}". Fix or unset it.`, { status: 400 });
  }
  return value;
}
