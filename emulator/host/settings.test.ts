// The emulator's settings (EMULATOR_SETTINGS drives the Configuration table of emulator/README.md): the Gateway's, RUNNER_PUBLIC_BASE and BUNDLE_STAGING_TTL_MS.
import { describe, expect, it } from 'vitest';
import { loadEmulatorSettings } from './settings.ts';

describe('Gateway settings', () => {
  it('should default to advisory mode, 30 s, the emulator\'s own Runner and a generated dev token', () => {
    const s = loadEmulatorSettings({});
    expect([s.endpointMode, s.gatewayTimeoutMs, s.runnerBaseUrl, s.devToken]).toEqual(['advisory', 30000, undefined, undefined]);
  });

  it('should read EXT_GATEWAY_ENDPOINT_MODE, EXT_GATEWAY_TIMEOUT_MS, RUNNER_BASE_URL and EMULATOR_DEV_TOKEN', () => {
    const s = loadEmulatorSettings({ EXT_GATEWAY_ENDPOINT_MODE: 'Strict', EXT_GATEWAY_TIMEOUT_MS: '1500', RUNNER_BASE_URL: 'http://127.0.0.1:8080/', EMULATOR_DEV_TOKEN: ' tok-1 ' });
    expect([s.endpointMode, s.gatewayTimeoutMs, s.runnerBaseUrl, s.devToken]).toEqual(['strict', 1500, 'http://127.0.0.1:8080', 'tok-1']);
  });

  it('should read EXT_GATEWAY_RATE_LIMIT as burst/refill, default 60/1, and lift it with off', () => {
    expect(loadEmulatorSettings({}).gatewayRateLimit).toEqual({ burst: 60, perSecond: 1 });
    expect(loadEmulatorSettings({ EXT_GATEWAY_RATE_LIMIT: '5/0.5' }).gatewayRateLimit).toEqual({ burst: 5, perSecond: 0.5 });
    expect(loadEmulatorSettings({ EXT_GATEWAY_RATE_LIMIT: 'OFF' }).gatewayRateLimit).toEqual({ burst: Number.POSITIVE_INFINITY, perSecond: 1 });
    expect(() => loadEmulatorSettings({ EXT_GATEWAY_RATE_LIMIT: '60' })).toThrow('EXT_GATEWAY_RATE_LIMIT must be <burst>/<refill per second> (e.g. 60/1) or off, got "60". Fix or unset it.');
  });

  it('should refuse bad values with CONFIG_INVALID and the fix', () => {
    expect(() => loadEmulatorSettings({ EXT_GATEWAY_ENDPOINT_MODE: 'loose' })).toThrow('EXT_GATEWAY_ENDPOINT_MODE must be advisory or strict, got "loose". Fix or unset it.');
    expect(() => loadEmulatorSettings({ EXT_GATEWAY_TIMEOUT_MS: '0' })).toThrow('EXT_GATEWAY_TIMEOUT_MS must be a whole number of milliseconds ≥ 1, got "0". Fix or unset it.');
    expect(() => loadEmulatorSettings({ RUNNER_BASE_URL: 'localhost:8080' })).toThrow('RUNNER_BASE_URL must be an http(s) URL such as http://127.0.0.1:8080, got "localhost:8080". Fix or unset it.');
    expect(() => loadEmulatorSettings({ EMULATOR_DEV_TOKEN: 'two words' })).toThrow('EMULATOR_DEV_TOKEN must be printable ASCII without spaces (it travels in an authorization header). Fix or unset it.');
  });
});

describe('RUNNER_PUBLIC_BASE', () => {
  const base = (value: string | undefined) => loadEmulatorSettings(value === undefined ? {} : { RUNNER_PUBLIC_BASE: value }).runnerPublicBase;

  it('should default to /runner and drop trailing slashes', () => {
    expect(base(undefined)).toBe('/runner');
    expect(base(' ')).toBe('/runner');
    expect(base('/proxy/runner/')).toBe('/proxy/runner');
    expect(base('http://127.0.0.1:8085/')).toBe('http://127.0.0.1:8085');
  });

  it('should refuse what is neither a path nor an http(s) URL', () => {
    for (const bad of ['runner', '//evil.test', 'ftp://x', '/']) {
      expect(() => base(bad)).toThrow(`RUNNER_PUBLIC_BASE must be a path such as /runner or an http(s) URL such as http://127.0.0.1:8085, got "${bad}". Fix or unset it.`);
    }
  });
});

describe('EMULATOR_SIGNIN_SECRET', () => {
  it('should be unset by default and read trimmed', () => {
    expect(loadEmulatorSettings({}).signinSecret).toBeUndefined();
    expect(loadEmulatorSettings({ EMULATOR_SIGNIN_SECRET: ' a.b~c-d_e0123456789 ' }).signinSecret).toBe('a.b~c-d_e0123456789');
  });

  it('should refuse a short secret or one with characters a URL, header or cookie would mangle, without echoing it', () => {
    for (const bad of ['short-secret', 'has space 0123456789', 'semi;colon0123456789', 'x'.repeat(257)]) {
      expect(() => loadEmulatorSettings({ EMULATOR_SIGNIN_SECRET: bad })).toThrow(`EMULATOR_SIGNIN_SECRET must be 16 to 256 of the characters A-Z a-z 0-9 . _ ~ - (it travels in a URL, a header and a cookie), got ${bad.length} characters. Fix or unset it.`);
    }
  });
});

describe('BUNDLE_STAGING_TTL_MS', () => {
  it('should default to one hour and read a whole number of milliseconds', () => {
    expect(loadEmulatorSettings({}).stagingTtlMs).toBe(3_600_000);
    expect(loadEmulatorSettings({ BUNDLE_STAGING_TTL_MS: ' 90000 ' }).stagingTtlMs).toBe(90_000);
    expect(loadEmulatorSettings({ BUNDLE_STAGING_TTL_MS: '5' }, { stagingTtlMs: 7 }).stagingTtlMs).toBe(7);
  });

  it('should refuse anything else with CONFIG_INVALID and the fix', () => {
    for (const bad of ['0', '-1', '1.5', 'an hour']) {
      expect(() => loadEmulatorSettings({ BUNDLE_STAGING_TTL_MS: bad })).toThrow(`BUNDLE_STAGING_TTL_MS must be a whole number of milliseconds ≥ 1, got "${bad}". Fix or unset it.`);
    }
  });
});
