import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../emulator/capabilities/index.ts';
import { EMULATOR_SETTINGS } from '../../emulator/host/settings.ts';
import { RUNNER_SETTINGS } from '../../emulator/runner/config.ts';
import { allParityNotes } from '../../emulator/parity-notes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('README stays in step with the code', () => {
  it('documents every setting, and documents no setting the code does not read', () => {
    const rows = [...section('Configuration').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual([...EMULATOR_SETTINGS, ...RUNNER_SETTINGS].map(([name]) => name));
  });

  it('lists every capability with its interface and capability string, in registry order', () => {
    const rows = [...section('Host capabilities').matchAll(/^\| `(alga:extension\/[a-z0-9-]+)` \| `(cap:[a-z.]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(CAPABILITIES.map((c) => [c.witInterface, c.capability]));
  });

  it('lists exactly the parity notes the emulator prints', () => {
    const notes = [...section('Parity notes').matchAll(/^- (.+)$/gm)].map((m) => m[1]);
    expect(notes).toEqual(allParityNotes());
  });

  it('keeps exactly two set-up commands', () => {
    const block = /## Set up\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.trim().split('\n').map((l) => l.split('#')[0]?.trim())).toEqual(['npm install && npm run emulate', 'npm test']);
  });
});
