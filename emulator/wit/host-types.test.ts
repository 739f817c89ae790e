import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateWitFiles, readWitFiles } from './generated-files.ts';
import { WIT_PATH } from './world.ts';
import { HOST_TYPES_PATH, witSha256, type HostTypesFile } from './host-types.ts';

const shipped = JSON.parse(readFileSync(HOST_TYPES_PATH, 'utf8')) as HostTypesFile;

describe('files generated from the WIT', () => {
  it('were generated from the current WIT (run `npm run build:wit-types` after editing it)', () => {
    expect(shipped.witSha256).toBe(witSha256(readFileSync(WIT_PATH)));
  });

  it('equal, file for file, what jco generates from the WIT today', async () => {
    const [expected, onDisk] = await Promise.all([generateWitFiles(), readWitFiles()]);
    expect([...onDisk.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(onDisk.get(name), name).toBe(text);
  });
});
