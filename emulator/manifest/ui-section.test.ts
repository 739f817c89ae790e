import { describe, expect, it } from 'vitest';
import { validateManifest, type ManifestIssue } from './manifest.ts';

const base = { name: 'hello', version: '1.0.0', runtime: 'wasm-js@1' };

function issuesOf(value: unknown): ManifestIssue[] {
  const result = validateManifest(value);
  return result.ok ? [] : result.issues;
}

describe('validateManifest: ui', () => {
  it('should accept an iframe UI with both menu hooks and drop other ui keys', () => {
    const ui = { type: 'iframe', entry: 'ui/index.html', extra: 1, hooks: { appMenu: { label: 'Billing' }, clientPortalMenu: { label: 'Portal' } } };
    const result = validateManifest({ ...base, ui });
    expect(result.ok && result.manifest.ui).toEqual({
      type: 'iframe',
      entry: 'ui/index.html',
      hooks: { appMenu: { label: 'Billing' }, clientPortalMenu: { label: 'Portal' } },
    });
  });

  it('should ignore unknown hooks with a warning', () => {
    const result = validateManifest({ ...base, ui: { type: 'iframe', entry: 'ui/index.html', hooks: { ticketTab: { label: 'x' } } } });
    expect(result).toEqual({
      ok: true,
      manifest: { ...base, capabilities: [], assets: [], precompiled: {}, ui: { type: 'iframe', entry: 'ui/index.html', hooks: {} } },
      warnings: [{ path: '$.ui.hooks.ticketTab', message: "Unknown hook 'ticketTab' is ignored; the platform reads only appMenu, clientPortalMenu" }],
    });
  });

  it('should reject a ui that is not an object', () => {
    expect(issuesOf({ ...base, ui: 'ui/index.html' })).toEqual([
      { path: '$.ui', message: 'must be an object {type: "iframe", entry, hooks?}, got "ui/index.html"' },
    ]);
  });

  it('should require type "iframe" and an entry', () => {
    expect(issuesOf({ ...base, ui: {} })).toEqual([
      { path: '$.ui.type', message: 'must be "iframe", got undefined' },
      { path: '$.ui.entry', message: 'is required (a non-empty path such as "ui/index.html")' },
    ]);
  });

  it('should reject an empty entry and one containing ".."', () => {
    expect(issuesOf({ ...base, ui: { type: 'iframe', entry: '' } })).toEqual([{ path: '$.ui.entry', message: 'must be a non-empty string, got ""' }]);
    expect(issuesOf({ ...base, ui: { type: 'iframe', entry: 'ui/../x.html' } })).toEqual([
      { path: '$.ui.entry', message: 'must not contain "..", got "ui/../x.html"' },
    ]);
  });

  it('should reject hooks that are not an object', () => {
    expect(issuesOf({ ...base, ui: { type: 'iframe', entry: 'ui/index.html', hooks: [] } })).toEqual([
      { path: '$.ui.hooks', message: 'must be an object, got an array' },
    ]);
  });

  it('should reject menu hooks without an object or a non-empty label', () => {
    const hooks = { appMenu: 'Billing', clientPortalMenu: { label: ' ' } };
    expect(issuesOf({ ...base, ui: { type: 'iframe', entry: 'ui/index.html', hooks } })).toEqual([
      { path: '$.ui.hooks.appMenu', message: 'must be an object with a non-empty label, got "Billing"' },
      { path: '$.ui.hooks.clientPortalMenu.label', message: 'must be a non-empty string, got " "' },
    ]);
  });
});
