import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownedTempTag, ownerIsGone, processOwner } from './leftovers.ts';
import { deadOwner } from './test-support.ts';

describe('leftover owners', () => {
  it('should name this process by pid and start time, and tag each temp name uniquely', () => {
    expect(processOwner()).toMatch(new RegExp(`^${process.pid}-\\d+$`));
    const tag = ownedTempTag();
    expect(tag).toMatch(new RegExp(`^${processOwner()}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    expect(ownedTempTag()).not.toBe(tag);
  });

  it('should keep the leftovers of this (running) process', () => {
    expect(ownerIsGone(processOwner())).toBe(false);
  });

  it('should count an exited process, a missing owner and a malformed owner as gone', () => {
    expect(ownerIsGone(deadOwner())).toBe(true);
    expect(ownerIsGone(null)).toBe(true);
    expect(ownerIsGone('not-an-owner')).toBe(true);
  });

  it.runIf(existsSync('/proc/self/stat'))('should count a reused pid (same pid, other start time) as gone', () => {
    const [, start] = processOwner().split('-');
    expect(ownerIsGone(`${process.pid}-${Number(start) + 1}`)).toBe(true);
  });
});
