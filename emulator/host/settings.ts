import { resolve } from 'node:path';
import { EmulatorError } from '../errors.ts';
import type { EndpointMode } from '../gateway/endpoints.ts';
import { DEFAULT_TENANT_ID } from '../registry/identity.ts';
import { DEFAULT_STAGING_TTL_MS } from '../registry/leftovers.ts';
import { SIGNING_SETTINGS, parseSigningMode, type SigningMode } from '../signing/index.ts';

/**
 * Settings of the whole emulator (`npm run emulate`, the `alga-emulator` CLI, the harness), on
 * top of the Runner's own. Drives parsing and the README table.
 */
export const EMULATOR_SETTINGS = [
  ['PORT', '3000', 'main port of `npm run emulate`: shell page, Gateway and publish API, like the host app'],
  ['RUNNER_PORT', '8085', 'port of the emulator\'s Runner'],
  ['ALGA_API_KEY', 'generated once', 'the accepted dev API key (the official CLI reads the same variable)'],
  ['ALGA_TENANT_ID', DEFAULT_TENANT_ID, 'id of the default tenant (the official CLI reads the same variable)'],
  ...SIGNING_SETTINGS,
  ['EMULATOR_DEV_TOKEN', 'generated once', 'dev bearer token of the default tenant\'s MSP admin for the Gateway (`authorization: Bearer <token>`); every seeded user has one'],
  ['EMULATOR_SIGNIN_SECRET', 'generated at each start when `HOST` is not loopback', 'sign-in secret the shell\'s API (`/api/emulator/*`: state, sign-in, user and tenant switch, bootstrap token) asks for; required when `HOST` is not a loopback address, and wherever it is set; at least 16 of `A-Z a-z 0-9 . _ ~ -`'],
  ['EXT_GATEWAY_ENDPOINT_MODE', 'advisory', '`advisory`: a call to an endpoint missing from `api.endpoints` runs, with a warning naming the entry to add; `strict`: 404 `endpoint_not_found`, as in production'],
  ['EXT_GATEWAY_RATE_LIMIT', '60/1', 'Gateway token bucket per tenant and extension, `<burst>/<refill per second>` as in production; `off` for load tests'],
  ['EXT_GATEWAY_TIMEOUT_MS', '30000', 'Gateway timeout for a Runner call, also sent as `limits.timeout_ms`; past it the Gateway answers 504'],
  ['RUNNER_BASE_URL', 'the emulator\'s Runner', 'Runner the Gateway calls (`{RUNNER_BASE_URL}/v1/execute`), e.g. one started with `npm run runner`'],
  ['RUNNER_PUBLIC_BASE', '/runner', 'base of extension iframe URLs (`{base}/ext-ui/{id}/{hash}/index.html`); the main port proxies `/runner/ext-ui/*` to the Runner; an absolute URL points iframes at a Runner directly'],
  ['BUNDLE_STAGING_TTL_MS', '3600000', 'how long an upload (`/api/ext-bundles/upload-proxy`) waits for its finalize; older uploads are removed at start and every TTL (at least every minute, at most every second), and finalizing one answers 404 `STAGED_BUNDLE_NOT_FOUND`'],
] as const;

export interface EmulatorSettings {
  port: number;
  runnerPort: number;
  host: string;
  dataDir: string;
  apiKey: string | undefined;
  tenantId: string;
  signingMode: SigningMode;
  /** `EMULATOR_DEV_TOKEN`: the default tenant's MSP admin bearer token; generated once when unset. */
  devToken: string | undefined;
  /** `EMULATOR_SIGNIN_SECRET`: asked for by the shell's API; unset = generated when `host` is not loopback. */
  signinSecret: string | undefined;
  endpointMode: EndpointMode;
  gatewayTimeoutMs: number;
  /** `EXT_GATEWAY_RATE_LIMIT`: the token bucket; `off` lifts it (load tests, benches). */
  gatewayRateLimit: { burst: number; perSecond: number };
  /** `RUNNER_BASE_URL`; unset = the emulator's own Runner. */
  runnerBaseUrl: string | undefined;
  /** `RUNNER_PUBLIC_BASE` without trailing slashes: where the shell's iframes load UIs from. */
  runnerPublicBase: string;
  /** `BUNDLE_STAGING_TTL_MS`: an upload not finalized within this long is removed. */
  stagingTtlMs: number;
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
    devToken: overrides.devToken ?? devToken(env.EMULATOR_DEV_TOKEN),
    signinSecret: overrides.signinSecret ?? signinSecret(env.EMULATOR_SIGNIN_SECRET),
    endpointMode: overrides.endpointMode ?? endpointMode(env.EXT_GATEWAY_ENDPOINT_MODE),
    gatewayTimeoutMs: overrides.gatewayTimeoutMs ?? positiveInteger(env, 'EXT_GATEWAY_TIMEOUT_MS', 30000),
    gatewayRateLimit: overrides.gatewayRateLimit ?? rateLimit(env.EXT_GATEWAY_RATE_LIMIT),
    runnerBaseUrl: overrides.runnerBaseUrl ?? baseUrl(env.RUNNER_BASE_URL),
    runnerPublicBase: overrides.runnerPublicBase ?? publicBase(env.RUNNER_PUBLIC_BASE),
    stagingTtlMs: overrides.stagingTtlMs ?? positiveInteger(env, 'BUNDLE_STAGING_TTL_MS', DEFAULT_STAGING_TTL_MS),
  };
}

function devToken(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new EmulatorError('CONFIG_INVALID', 'EMULATOR_DEV_TOKEN must be printable ASCII without spaces (it travels in an authorization header). Fix or unset it.');
  }
  return value;
}

/** URL-, header- and cookie-safe characters, long enough not to be guessed. */
function signinSecret(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(value)) {
    throw new EmulatorError('CONFIG_INVALID', `EMULATOR_SIGNIN_SECRET must be 16 to 256 of the characters A-Z a-z 0-9 . _ ~ - (it travels in a URL, a header and a cookie), got ${value.length} characters. Fix or unset it.`);
  }
  return value;
}

function rateLimit(raw: string | undefined): { burst: number; perSecond: number } {
  const value = raw?.trim().toLowerCase();
  if (!value) return { burst: 60, perSecond: 1 };
  if (value === 'off') return { burst: Number.POSITIVE_INFINITY, perSecond: 1 };
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value);
  const burst = Number(match?.[1]);
  const perSecond = Number(match?.[2]);
  if (!match || burst < 1 || perSecond <= 0) {
    throw new EmulatorError('CONFIG_INVALID', `EXT_GATEWAY_RATE_LIMIT must be <burst>/<refill per second> (e.g. 60/1) or off, got "${raw}". Fix or unset it.`);
  }
  return { burst, perSecond };
}

function endpointMode(raw: string | undefined): EndpointMode {
  const value = raw?.trim().toLowerCase();
  if (!value) return 'advisory';
  if (value === 'advisory' || value === 'strict') return value;
  throw new EmulatorError('CONFIG_INVALID', `EXT_GATEWAY_ENDPOINT_MODE must be advisory or strict, got "${raw}". Fix or unset it.`);
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new EmulatorError('CONFIG_INVALID', `${name} must be a whole number of milliseconds ≥ 1, got "${raw}". Fix or unset it.`);
  }
  return value;
}

function baseUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmulatorError('CONFIG_INVALID', `RUNNER_BASE_URL must be an http(s) URL such as http://127.0.0.1:8080, got "${raw}". Fix or unset it.`);
  }
  return value.replace(/\/+$/, '');
}

/** `/runner` by default; a path starting with `/`, or an http(s) URL; trailing slashes dropped. */
function publicBase(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return '/runner';
  let absolute = false;
  try {
    absolute = ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    absolute = false;
  }
  if (!absolute && !/^\/[^/]/.test(value)) {
    throw new EmulatorError('CONFIG_INVALID', `RUNNER_PUBLIC_BASE must be a path such as /runner or an http(s) URL such as http://127.0.0.1:8085, got "${raw}". Fix or unset it.`);
  }
  return value.replace(/\/+$/, '');
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new EmulatorError('CONFIG_INVALID', `${name} must be a port number 0-65535, got "${raw}". Fix or unset it.`);
  }
  return value;
}
