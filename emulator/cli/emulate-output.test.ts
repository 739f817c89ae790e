// What `npm run emulate` prints about the sign-in secret: nothing on loopback; on another bind
// the secret, why it is asked for, and how to send it.
import { describe, expect, it } from 'vitest';
import { resolveSigninPolicy } from '../host/bind-policy.ts';
import { signinLines } from './emulate-output.ts';

describe('signinLines', () => {
  it('should print nothing on a loopback bind', () => {
    expect(signinLines(resolveSigninPolicy({ host: '127.0.0.1', signinSecret: undefined }))).toEqual([]);
  });

  it('should print the secret, why, and how to send it on 0.0.0.0', () => {
    expect(signinLines(resolveSigninPolicy({ host: '0.0.0.0', signinSecret: undefined }, () => 'S3cretS3cretS3cret'))).toEqual([
      '  sign-in     secret S3cretS3cretS3cret  (generated at this start; set EMULATOR_SIGNIN_SECRET to keep one across restarts)',
      '              HOST=0.0.0.0 is not a loopback address: other machines can reach this emulator, so signing in needs this secret.',
      "              Without it the shell's API (/api/emulator/*: state, sign-in, user and tenant switch, bootstrap",
      '              token) answers 401 SIGNIN_SECRET_REQUIRED. The shell URL above carries it once and keeps it in an',
      "              HttpOnly cookie; curl sends -H 'x-emulator-signin-secret: S3cretS3cretS3cret'.",
      '              Dev tokens and API keys below are credentials too; the Runner listens on loopback only.',
      "              (0.0.0.0 listens on every interface: open the shell URL with this machine's address)",
    ]);
  });

  it('should say the setting asked for it on loopback with EMULATOR_SIGNIN_SECRET', () => {
    const lines = signinLines(resolveSigninPolicy({ host: '127.0.0.1', signinSecret: 'my-own-secret-1234' }));
    expect(lines.slice(0, 2)).toEqual(['  sign-in     secret my-own-secret-1234  (EMULATOR_SIGNIN_SECRET)', '              EMULATOR_SIGNIN_SECRET is set, so signing in needs this secret.']);
    expect(lines).toHaveLength(5);
  });
});
