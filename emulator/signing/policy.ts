import { EmulatorError } from '../errors.ts';
import { ensureDevKey } from './key-files.ts';
import type { SigningKeyPair } from './keys.ts';
import { TrustStore } from './trust-store.ts';
import { isSigningMode, SIGNING_MODES, type SigningMode } from './verify.ts';

/** What the registry and the Runner need to sign and verify bundles. */
export interface SigningPolicy {
  mode: SigningMode;
  trust: TrustStore;
  /** Present in dev mode only: the key unsigned bundles are signed with (also trusted). */
  devKey?: SigningKeyPair;
}

/** Every signing setting, its variable, default and meaning: for config docs and tables. */
export const SIGNING_SETTINGS = [
  ['SIGNING_MODE', 'dev (emulate)', `${SIGNING_MODES.join(' | ')}: sign unsigned bundles with a dev key / refuse unverified bundles / verify nothing`],
  ['SIGNING_TRUST_BUNDLE', 'unset', 'path or inline PEM of trusted ed25519 / P-256 public keys and certificates'],
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads SIGNING_MODE and SIGNING_TRUST_BUNDLE. Dev mode creates (once) and trusts the data
 * folder's dev key; strict and off trust only SIGNING_TRUST_BUNDLE, even if a dev key exists.
 *
 * @example loadSigningPolicy(process.env, config.dataDir) // { mode: 'dev', trust, devKey }
 */
export function loadSigningPolicy(env: Env, dataDir: string, defaultMode: SigningMode = 'dev'): SigningPolicy {
  const mode = parseSigningMode(env.SIGNING_MODE, defaultMode);
  if (mode !== 'dev') return { mode, trust: TrustStore.fromBundle(env.SIGNING_TRUST_BUNDLE) };
  const devKey = ensureDevKey(dataDir);
  return { mode, trust: TrustStore.fromBundle(env.SIGNING_TRUST_BUNDLE, [devKey.publicKeyPem]), devKey };
}

/** SIGNING_MODE, case-insensitive; unset or blank gives `fallback`. */
export function parseSigningMode(raw: string | undefined, fallback: SigningMode): SigningMode {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '') return fallback;
  if (isSigningMode(value)) return value;
  throw new EmulatorError(
    'CONFIG_INVALID',
    `SIGNING_MODE must be one of ${SIGNING_MODES.join(', ')}, got "${raw}". Fix or unset it.`,
  );
}
