import { describe, expect, it } from 'vitest';
import { effectivePortal, menuFor, menuLabels, portalsFor, uiEntry } from './menu.ts';
import type { ShellExtension, ShellUser } from './state-types.ts';

const ext = (registryId: string, msp: string | null, clientPortal: string | null): ShellExtension => ({
  registryId, installId: `i-${registryId}`, slug: `acme.${registryId}`, name: registryId, publisher: 'acme', version: '1.0.0',
  contentHash: null, menus: { msp, clientPortal }, uiEntry: 'index.html',
});
const user = (userType: 'internal' | 'client'): ShellUser => ({ id: 'u', tenantId: 't', email: 'e', name: 'n', role: 'r', userType, clientId: null, permissions: [] });

describe('menuLabels', () => {
  it('should read both hook labels', () => {
    expect(menuLabels({ hooks: { appMenu: { label: 'Tools' }, clientPortalMenu: { label: 'Portal tools' } } })).toEqual({ msp: 'Tools', clientPortal: 'Portal tools' });
  });

  it('should answer null for missing, blank or odd labels', () => {
    expect(menuLabels(null)).toEqual({ msp: null, clientPortal: null });
    expect(menuLabels({ hooks: { appMenu: { label: ' ' }, clientPortalMenu: 'x' } })).toEqual({ msp: null, clientPortal: null });
    expect(menuLabels({ hooks: [] })).toEqual({ msp: null, clientPortal: null });
  });

  it('should read ui.entry', () => {
    expect(uiEntry({ entry: 'index.html' })).toBe('index.html');
    expect(uiEntry({})).toBe(null);
  });
});

describe('menuFor', () => {
  const all = [ext('b', 'Zed', null), ext('a', 'Alpha', 'Client A'), ext('c', null, 'Client C'), ext('d', null, null)];

  it('should list MSP entries from appMenu labels, sorted by label', () => {
    expect(menuFor('msp', all)).toEqual([{ registryId: 'a', label: 'Alpha' }, { registryId: 'b', label: 'Zed' }]);
  });

  it('should list client-portal entries from clientPortalMenu labels only', () => {
    expect(menuFor('client-portal', all)).toEqual([{ registryId: 'a', label: 'Client A' }, { registryId: 'c', label: 'Client C' }]);
  });
});

describe('portals', () => {
  it('should keep a client-portal user in the client portal', () => {
    expect(portalsFor(user('client'))).toEqual(['client-portal']);
    expect(effectivePortal('msp', user('client'))).toBe('client-portal');
  });

  it('should let MSP users and visitors open both', () => {
    expect(portalsFor(user('internal'))).toEqual(['msp', 'client-portal']);
    expect(portalsFor(null)).toEqual(['msp', 'client-portal']);
    expect(effectivePortal('msp', null)).toBe('msp');
  });
});
