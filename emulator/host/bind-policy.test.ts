// The sign-in policy: which bind addresses are loopback, when a secret is asked for, and how a
// presented secret is checked.
import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { checkSigninSecret, httpUrl, isLoopbackHost, resolveSigninPolicy, runnerBindHost, sameSecret, shellSigninUrl } from './bind-policy.ts';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '0000::0001', 'localhost', 'LOCALHOST', 'app.localhost', '::ffff:127.0.0.1'])('should treat %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '[::]', '192.168.1.20', '10.0.0.5', 'fe80::1', '::2', '::ffff:192.168.1.20', 'example.test', '128.0.0.1', ''])('should treat %s as reachable from other machines', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('resolveSigninPolicy', () => {
  const generate = () => 'generated-secret-0123456789';

  it('should ask for no secret on a loopback bind', () => {
    expect(resolveSigninPolicy({ host: '127.0.0.1', signinSecret: undefined, apiKey: 'k', devToken: 'd' }, generate)).toEqual({ host: '127.0.0.1', required: false, secret: undefined, source: 'none' });
  });

  it('should generate a secret on a non-loopback bind when none is set', () => {
    expect(resolveSigninPolicy({ host: '0.0.0.0', signinSecret: undefined }, generate)).toEqual({ host: '0.0.0.0', required: true, secret: 'generated-secret-0123456789', source: 'generated' });
  });

  it('should use EMULATOR_SIGNIN_SECRET on any bind, loopback included', () => {
    expect(resolveSigninPolicy({ host: '192.168.1.20', signinSecret: 'my-own-secret-1234' }, generate).secret).toBe('my-own-secret-1234');
    expect(resolveSigninPolicy({ host: 'localhost', signinSecret: 'my-own-secret-1234' }, generate)).toEqual({ host: 'localhost', required: true, secret: 'my-own-secret-1234', source: 'setting' });
  });

  it('should generate 32 URL-safe characters by default, different at each start', () => {
    const a = resolveSigninPolicy({ host: '::', signinSecret: undefined }).secret ?? '';
    const b = resolveSigninPolicy({ host: '::', signinSecret: undefined }).secret ?? '';
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.toBe(b);
  });

  it('should refuse a short ALGA_API_KEY or EMULATOR_DEV_TOKEN on a non-loopback bind', () => {
    const attempt = (input: { apiKey?: string; devToken?: string }): string[] | null => {
      try {
        resolveSigninPolicy({ host: '0.0.0.0', signinSecret: undefined, ...input }, generate);
        return null;
      } catch (err) {
        if (err instanceof EmulatorError) return [err.code, err.message];
        throw err;
      }
    };
    expect(attempt({ apiKey: 'k' })).toEqual([
      'CONFIG_INVALID',
      'ALGA_API_KEY is too short for HOST=0.0.0.0: other machines can reach a non-loopback address, so credentials must have at least 16 characters. Fix: unset ALGA_API_KEY (a random one is generated) or make it longer.',
    ]);
    expect(attempt({ devToken: 'dev' })?.[1]).toMatch(/^EMULATOR_DEV_TOKEN is too short for HOST=0\.0\.0\.0/);
    expect(attempt({ apiKey: 'a'.repeat(16), devToken: 'b'.repeat(16) })).toBeNull();
    expect(resolveSigninPolicy({ host: '127.0.0.1', signinSecret: undefined, apiKey: 'k', devToken: 'd' }).required).toBe(false);
  });
});

describe('checkSigninSecret', () => {
  const open = resolveSigninPolicy({ host: '0.0.0.0', signinSecret: undefined }, () => 'the-right-secret-0123');
  const set = resolveSigninPolicy({ host: '10.0.0.5', signinSecret: 'the-right-secret-0123' });
  const outcome = (policy: typeof open, presented: string | undefined) => {
    const check = checkSigninSecret(policy, presented);
    return check.ok ? 'ok' : [check.error.code, check.error.status, check.error.message];
  };

  it('should accept the right secret and anything when none is required', () => {
    expect(outcome(open, 'the-right-secret-0123')).toBe('ok');
    expect(outcome(resolveSigninPolicy({ host: '127.0.0.1', signinSecret: undefined }), undefined)).toBe('ok');
  });

  it('should answer 401 SIGNIN_SECRET_REQUIRED, saying how to send it, when none is sent', () => {
    expect(outcome(open, undefined)).toEqual([
      'SIGNIN_SECRET_REQUIRED',
      401,
      "this emulator listens on 0.0.0.0, which other machines can reach, so the shell's API asks for the sign-in secret. Fix: open the shell URL printed at start (it carries signin_secret), or send the secret printed by npm run emulate in the x-emulator-signin-secret header.",
    ]);
    expect(outcome(open, '')).toEqual(outcome(open, undefined));
    expect((outcome(set, undefined) as string[])[2]).toMatch(/send the value of EMULATOR_SIGNIN_SECRET in the x-emulator-signin-secret header\.$/);
  });

  it('should answer 401 SIGNIN_SECRET_INVALID for a wrong secret, a prefix or a longer one', () => {
    for (const wrong of ['nope', 'the-right-secret-012', 'the-right-secret-01234', 'THE-RIGHT-SECRET-0123']) {
      expect(outcome(open, wrong)).toEqual([
        'SIGNIN_SECRET_INVALID',
        401,
        "the sign-in secret sent is not this emulator's (a generated secret changes at every start; set EMULATOR_SIGNIN_SECRET to keep one). Fix: open the shell URL printed at start (it carries signin_secret), or send the secret printed by npm run emulate in the x-emulator-signin-secret header.",
      ]);
    }
  });

  it('should compare equal strings of any length without throwing', () => {
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'a'.repeat(1000))).toBe(false);
  });
});

describe('URLs and the Runner bind', () => {
  it('should keep the Runner on loopback when HOST is not loopback', () => {
    expect([runnerBindHost('127.0.0.1'), runnerBindHost('::1'), runnerBindHost('0.0.0.0'), runnerBindHost('192.168.1.20')]).toEqual(['127.0.0.1', '::1', '127.0.0.1', '127.0.0.1']);
  });

  it('should bracket IPv6 literals and put the secret in the shell URL only when required', () => {
    expect([httpUrl('::', 3000), httpUrl('0.0.0.0', 3000), httpUrl('[::1]', 1)]).toEqual(['http://[::]:3000', 'http://0.0.0.0:3000', 'http://[::1]:1']);
    expect(shellSigninUrl('http://0.0.0.0:3000', resolveSigninPolicy({ host: '0.0.0.0', signinSecret: 'a.b~c-d_e0123456789' }))).toBe('http://0.0.0.0:3000/?signin_secret=a.b~c-d_e0123456789');
    expect(shellSigninUrl('http://127.0.0.1:3000', resolveSigninPolicy({ host: '127.0.0.1', signinSecret: undefined }))).toBe('http://127.0.0.1:3000/');
  });
});
