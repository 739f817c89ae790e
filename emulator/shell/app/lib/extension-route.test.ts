import { describe, expect, it } from 'vitest';
import { extensionProblem, findExtension } from './extension-route.ts';
import type { ShellExtension, ShellState, ShellUser } from './state-types.ts';

const HASH = `sha256:${'c'.repeat(64)}`;
const ext = (slug: string, msp: string | null, clientPortal: string | null, contentHash: string | null = HASH): ShellExtension => ({
  registryId: `id-${slug}`, installId: `i-${slug}`, slug, name: slug, publisher: 'acme', version: '1.0.0', contentHash, menus: { msp, clientPortal }, uiEntry: 'index.html',
});
const client: ShellUser = { id: 'u', tenantId: 't1', email: 'robin@x', name: 'Robin', role: 'client-user', userType: 'client', clientId: 'c', permissions: [] };
const state = (principal: ShellUser | null = null): ShellState => ({
  tenants: [{ id: 't1', name: 'Emulator Tenant' }],
  tenantId: 't1',
  users: [],
  principal,
  extensions: [ext('acme.tools', 'Tools', null), ext('acme.portal', null, 'Portal'), ext('acme.nobundle', 'Broken', null, null)],
  settings: { runnerPublicBase: '/runner', mainUrl: 'http://x', runnerUrl: 'http://r', signingMode: 'dev', dataDir: '/d' },
  commands: [],
  parityNotes: [],
});

describe('extension routes', () => {
  it('should find an extension by registry id or slug', () => {
    expect(findExtension(state(), 'id-acme.tools')?.slug).toBe('acme.tools');
    expect(findExtension(state(), 'ACME.Portal')?.slug).toBe('acme.portal');
    expect(findExtension(state(), 'nope')).toBe(undefined);
  });

  it('should show an extension in the portal whose label it has', () => {
    expect(extensionProblem(state(), 'msp', 'id-acme.tools')).toBe(null);
    expect(extensionProblem(state(client), 'client-portal', 'id-acme.portal')).toBe(null);
  });

  it('should explain each reason it cannot', () => {
    expect(extensionProblem(state(), 'msp', 'nope')).toBe('Extension nope is not installed and enabled for Emulator Tenant.');
    expect(extensionProblem(state(client), 'msp', 'id-acme.tools')).toBe('Client-portal users cannot open the MSP portal. Open it from the client portal, or sign in as an MSP user.');
    expect(extensionProblem(state(), 'client-portal', 'id-acme.tools')).toBe('acme.tools has no ui.hooks.clientPortalMenu.label in its manifest, so the client portal does not show it. Add the label and publish again.');
    expect(extensionProblem(state(), 'msp', 'id-acme.portal')).toBe('acme.portal has no ui.hooks.appMenu.label in its manifest, so the MSP portal does not show it. Add the label and publish again.');
    expect(extensionProblem(state(), 'msp', 'id-acme.nobundle')).toBe('acme.nobundle 1.0.0 has no bundle; publish it again.');
  });
});
