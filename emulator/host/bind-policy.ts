// Who may sign in when the emulator is reachable from other machines. On a loopback bind only
// this machine's users reach the shell, so sign-in needs nothing; on any other address (HOST=0.0.0.0,
// a LAN address) the shell's API asks for a sign-in secret, printed at start. The policy is
// decided by the bind address, never by the peer's address. No Express here.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { EmulatorError } from '../errors.ts';
import { SIGNIN_SECRET_QUERY } from '../shell/app/lib/signin.ts';

export { SIGNIN_SECRET_QUERY };

/** Header that carries the secret for curl and scripts. */
export const SIGNIN_SECRET_HEADER = 'x-emulator-signin-secret';
/** HttpOnly cookie that carries the secret for the shell page (set from the printed URL). */
export const SIGNIN_SECRET_COOKIE = 'alga_emulator_signin';
/** Shortest credential accepted where the emulator is reachable from other machines. */
export const MIN_CREDENTIAL_LENGTH = 16;

export interface SigninPolicy {
  /** The address the servers bind to (`HOST`). */
  host: string;
  /** Whether the shell's API asks for the secret. */
  required: boolean;
  /** The secret, when required. */
  secret: string | undefined;
  /** `setting`: EMULATOR_SIGNIN_SECRET; `generated`: new at this start; `none`: not required. */
  source: 'setting' | 'generated' | 'none';
}

/**
 * True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1` (also bracketed
 * or IPv4-mapped). The wildcard addresses `0.0.0.0` and `::` listen on every interface: not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(name) === 6) return expandV6(name) === '0:0:0:0:0:0:0:1';
  return false;
}

/** The eight groups of an IPv6 address without leading zeros, `::` expanded. */
function expandV6(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...missing, ...right].map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

/**
 * The sign-in policy of a start. On a non-loopback bind the secret is required (the setting's, or
 * a new random one), and a user-chosen API key or dev token must not be trivially guessable. A
 * secret set explicitly is required on loopback too: the user asked for it.
 */
export function resolveSigninPolicy(
  input: { host: string; signinSecret: string | undefined; apiKey?: string | undefined; devToken?: string | undefined },
  generate: () => string = () => randomBytes(24).toString('base64url'),
): SigninPolicy {
  const loopback = isLoopbackHost(input.host);
  if (!loopback) {
    for (const [name, value] of [['ALGA_API_KEY', input.apiKey], ['EMULATOR_DEV_TOKEN', input.devToken]] as const) {
      if (value !== undefined && value.length < MIN_CREDENTIAL_LENGTH) {
        throw new EmulatorError(
          'CONFIG_INVALID',
          `${name} is too short for HOST=${input.host}: other machines can reach a non-loopback address, so credentials must have at least ${MIN_CREDENTIAL_LENGTH} characters. Fix: unset ${name} (a random one is generated) or make it longer.`,
        );
      }
    }
  }
  if (input.signinSecret !== undefined) return { host: input.host, required: true, secret: input.signinSecret, source: 'setting' };
  if (loopback) return { host: input.host, required: false, secret: undefined, source: 'none' };
  return { host: input.host, required: true, secret: generate(), source: 'generated' };
}

export type SecretCheck = { ok: true } | { ok: false; error: EmulatorError };

/**
 * Checks the secret a request presents (header first, then cookie) in constant time. Answers ok
 * when the policy asks for none.
 */
export function checkSigninSecret(policy: SigninPolicy, presented: string | undefined): SecretCheck {
  if (!policy.required || policy.secret === undefined) return { ok: true };
  if (presented === undefined || presented === '') {
    return { ok: false, error: new EmulatorError('SIGNIN_SECRET_REQUIRED', `${missingWhy(policy)}. Fix: ${howToSend(policy)}.`) };
  }
  if (!sameSecret(presented, policy.secret)) {
    const restart = policy.source === 'generated' ? ' (a generated secret changes at every start; set EMULATOR_SIGNIN_SECRET to keep one)' : '';
    return { ok: false, error: new EmulatorError('SIGNIN_SECRET_INVALID', `the sign-in secret sent is not this emulator's${restart}. Fix: ${howToSend(policy)}.`) };
  }
  return { ok: true };
}

/** Constant-time equality: both sides are hashed first, so their lengths never leak either. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The host the emulator's own Runner binds to: `HOST` on loopback; else loopback, as production keeps the Runner internal. */
export function runnerBindHost(host: string): string {
  return isLoopbackHost(host) ? host : '127.0.0.1';
}

/** `http://host:port`, an IPv6 literal (HOST=::) in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The shell URL to print: with the secret as a query when one is required. */
export function shellSigninUrl(mainUrl: string, policy: SigninPolicy): string {
  if (!policy.required || policy.secret === undefined) return `${mainUrl}/`;
  return `${mainUrl}/?${SIGNIN_SECRET_QUERY}=${encodeURIComponent(policy.secret)}`;
}

function missingWhy(policy: SigninPolicy): string {
  return isLoopbackHost(policy.host)
    ? 'this emulator asks for a sign-in secret (EMULATOR_SIGNIN_SECRET is set)'
    : `this emulator listens on ${policy.host}, which other machines can reach, so the shell's API asks for the sign-in secret`;
}

function howToSend(policy: SigninPolicy): string {
  const where = policy.source === 'setting' ? 'the value of EMULATOR_SIGNIN_SECRET' : 'the secret printed by npm run emulate';
  return `open the shell URL printed at start (it carries ${SIGNIN_SECRET_QUERY}), or send ${where} in the ${SIGNIN_SECRET_HEADER} header`;
}
