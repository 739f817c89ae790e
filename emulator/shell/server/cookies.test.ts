import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, readCookie, sessionCookie } from './cookies.ts';

describe('session cookie', () => {
  it('should set and clear the session cookie with HttpOnly, SameSite=Lax and Path=/', () => {
    expect(sessionCookie('tok')).toBe('alga_emulator_session=tok; Path=/; HttpOnly; SameSite=Lax');
    expect(clearedSessionCookie()).toBe('alga_emulator_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
  });

  it('should read one cookie from a Cookie header', () => {
    expect(readCookie('a=1; alga_emulator_session=tok ; b=2', 'alga_emulator_session')).toBe('tok');
    expect(readCookie('a=1', 'alga_emulator_session')).toBe(undefined);
    expect(readCookie('alga_emulator_session=', 'alga_emulator_session')).toBe(undefined);
    expect(readCookie(undefined, 'x')).toBe(undefined);
  });
});
