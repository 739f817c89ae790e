// harness/README.md's API reference lists exactly the public names the compiler sees.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HARNESS_ENTRY_POINTS, readPublicApi } from '../support/public-api.ts';

const guide = readFileSync(new URL('../../harness/README.md', import.meta.url), 'utf8');
const start = guide.indexOf('## Harness API reference\n');
const next = guide.indexOf('\n## ', start + 1);
const reference = start < 0 ? '' : guide.slice(start, next < 0 ? undefined : next);

/** The first-column names of the table under `### \`heading\``. */
function documented(heading: string): string[] {
  const at = reference.indexOf(`### \`${heading}\``);
  if (at < 0) return [];
  const end = reference.indexOf('\n### ', at + 1);
  const block = reference.slice(at, end < 0 ? undefined : end);
  return [...block.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((n) => n[1] ?? '')).sort();
}

describe('harness/README.md API reference', () => {
  const api = readPublicApi();

  it.each(Object.keys(HARNESS_ENTRY_POINTS))('documents every export of %s, and nothing else', (entry) => {
    expect(start).toBeGreaterThan(0);
    expect(documented(entry)).toEqual(api.exports[entry]);
  });

  it('documents every member of TestEmulator, and nothing else', () => {
    expect(documented('TestEmulator').map((n) => n.replace(/^emu\./, ''))).toEqual(api.emulatorMembers);
  });
}, 60_000);
