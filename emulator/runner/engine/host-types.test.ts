import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOST_TYPES_PATH, generateHostTypesFile, witSha256, type HostTypesFile } from './host-types.ts';

const WIT_PATH = fileURLToPath(new URL('../wit/alga-extension.wit', import.meta.url));
const shipped = JSON.parse(readFileSync(HOST_TYPES_PATH, 'utf8')) as HostTypesFile;

describe('shipped host declarations', () => {
  it('were generated from the current WIT (run `npm run build:wit-types` after editing it)', () => {
    expect(shipped.witSha256).toBe(witSha256(readFileSync(WIT_PATH)));
  });

  it('equal what jco generates from the WIT today', async () => {
    expect(await generateHostTypesFile(WIT_PATH)).toEqual(shipped);
  });
});
