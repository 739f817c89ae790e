import { describe, expect, it } from 'vitest';
import { parseEgressAllowlist } from './egress.ts';

describe('parseEgressAllowlist', () => {
  it('allows a host equal to an entry', () => {
    const policy = parseEgressAllowlist('example.com');
    expect(policy.allows('example.com')).toBe(true);
    expect(policy.allows('example.org')).toBe(false);
  });

  it('allows subdomains of an entry but not hosts that merely end with its text', () => {
    const policy = parseEgressAllowlist('example.com');
    expect(policy.allows('api.example.com')).toBe(true);
    expect(policy.allows('a.b.example.com')).toBe(true);
    expect(policy.allows('badexample.com')).toBe(false);
    expect(policy.allows('example.com.evil.net')).toBe(false);
  });

  it('does not allow the parent of a subdomain entry', () => {
    const policy = parseEgressAllowlist('api.example.com');
    expect(policy.allows('api.example.com')).toBe(true);
    expect(policy.allows('example.com')).toBe(false);
    expect(policy.allows('www.example.com')).toBe(false);
  });

  it('ignores ports in the host asked about', () => {
    const policy = parseEgressAllowlist('example.com');
    expect(policy.allows('example.com:8443')).toBe(true);
    expect(policy.allows('api.example.com:80')).toBe(true);
  });

  it('ignores ports in the entries', () => {
    const policy = parseEgressAllowlist('example.com:8443,localhost:3000');
    expect(policy.entries).toEqual(['example.com', 'localhost']);
    expect(policy.allows('example.com')).toBe(true);
    expect(policy.allows('example.com:9999')).toBe(true);
    expect(policy.allows('localhost:1234')).toBe(true);
  });

  it('ignores ports on bracketed IPv6 hosts', () => {
    const policy = parseEgressAllowlist('[::1]:8080');
    expect(policy.entries).toEqual(['[::1]']);
    expect(policy.allows('[::1]:3000')).toBe(true);
    expect(policy.allows('[::2]')).toBe(false);
  });

  it('matches case-insensitively on both sides', () => {
    const policy = parseEgressAllowlist('Example.COM');
    expect(policy.entries).toEqual(['example.com']);
    expect(policy.allows('API.EXAMPLE.com')).toBe(true);
    expect(policy.allows('example.com')).toBe(true);
  });

  it('allows every host with "*"', () => {
    const policy = parseEgressAllowlist('*');
    expect(policy.allowAll).toBe(true);
    expect(policy.allows('anything.example')).toBe(true);
    expect(policy.allows('127.0.0.1:9')).toBe(true);
  });

  it('allows every host when "*" is one entry among others', () => {
    expect(parseEgressAllowlist('example.com, *').allows('other.org')).toBe(true);
  });

  it.each([undefined, '', '   ', ' , ,'])('denies every host for the empty list %j', (raw) => {
    const policy = parseEgressAllowlist(raw);
    expect(policy.entries).toEqual([]);
    expect(policy.allowAll).toBe(false);
    expect(policy.allows('example.com')).toBe(false);
    expect(policy.allows('localhost')).toBe(false);
  });

  it('allows every host for an empty list when emptyAllowsAll is set', () => {
    const policy = parseEgressAllowlist('', true);
    expect(policy.allowAll).toBe(true);
    expect(policy.allows('example.com')).toBe(true);
  });

  it('keeps the list authoritative when it is not empty even with emptyAllowsAll', () => {
    const policy = parseEgressAllowlist('example.com', true);
    expect(policy.allowAll).toBe(false);
    expect(policy.allows('example.org')).toBe(false);
  });

  it('ignores whitespace around entries and empty entries', () => {
    const policy = parseEgressAllowlist('  example.com , ,api.test.dev ,,');
    expect(policy.entries).toEqual(['example.com', 'api.test.dev']);
    expect(policy.allows('example.com')).toBe(true);
    expect(policy.allows('api.test.dev')).toBe(true);
    expect(policy.allows('')).toBe(false);
  });
});
