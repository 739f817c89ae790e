import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../emulator/capabilities/index.ts';
import { EMULATOR_SETTINGS } from '../../emulator/host/settings.ts';
import { RUNNER_SETTINGS } from '../../emulator/runner/config.ts';
import { MANIFEST_LIMITS } from '../../emulator/manifest/index.ts';
import { allParityNotes } from '../../emulator/parity-notes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The platform reference: settings, capabilities and parity notes live there. */
const reference = readFileSync(new URL('../../emulator/README.md', import.meta.url), 'utf8');

/** The `## title` section of `doc`, up to the next `## ` heading; fails when it is missing. */
function section(doc: string, title: string): string {
  const start = doc.indexOf(`## ${title}\n`);
  expect(start, `section "## ${title}"`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('emulator/README.md stays in step with the code', () => {
  it('documents every setting, and documents no setting the code does not read', () => {
    const rows = [...section(reference, 'Configuration').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual([...EMULATOR_SETTINGS, ...RUNNER_SETTINGS].map(([name]) => name));
  });

  it('lists every capability with its interface and capability string, in registry order', () => {
    const rows = [...section(reference, 'Host capabilities').matchAll(/^\| `(alga:extension\/[a-z0-9-]+)` \| `(cap:[a-z.]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(CAPABILITIES.map((c) => [c.witInterface, c.capability]));
  });

  it('lists every manifest limit with its value, in MANIFEST_LIMITS order', () => {
    const start = reference.indexOf('### Manifest limits\n');
    expect(start, 'section "### Manifest limits"').toBeGreaterThanOrEqual(0);
    const table = reference.slice(start, reference.indexOf('\n#', start + 1));
    const rows = [...table.matchAll(/^\| `([a-zA-Z]+)` \| [^|]+ \| (\d+)[^|]* \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.entries(MANIFEST_LIMITS));
  });

  it('lists exactly the parity notes the emulator prints', () => {
    const notes = [...section(reference, 'Parity notes').matchAll(/^- (.+)$/gm)].map((m) => m[1]);
    expect(notes).toEqual(allParityNotes());
  });
});

describe('README.md set-up', () => {
  it('keeps exactly two set-up commands', () => {
    const block = /## Set up\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.trim().split('\n').map((l) => l.split('#')[0]?.trim())).toEqual(['npm install && npm run emulate', 'npm test']);
  });
});
