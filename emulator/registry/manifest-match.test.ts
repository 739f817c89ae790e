import { describe, expect, it } from 'vitest';
import { manifestFromScan } from './manifest-match.ts';
import { manifest } from './test-support.ts';

const archived = JSON.stringify(manifest());
const scan = { manifests: [{ path: 'manifest.json', text: archived }] };

describe('manifestFromScan: a sent manifestJson', () => {
  it('should accept the archive\'s own text, and nothing sent (undefined, null or blank)', () => {
    for (const sent of [archived, undefined, null, '  ']) expect(manifestFromScan(scan, sent).version).toBe('1.0.0');
  });

  it.each([
    [{ name: 'x' }, 'an object'],
    [42, 'a number'],
    [['manifest'], 'an array'],
    [true, 'a boolean'],
  ])('should refuse %j with 400 INVALID_BODY instead of ignoring it', (sent, what) => {
    expect(() => manifestFromScan(scan, sent)).toThrow(expect.objectContaining({
      code: 'INVALID_BODY',
      status: 400,
      message: `manifestJson is ${what}, not a string: finalize compares the text of manifest.json with the archive's. Fix: send the file's text (JSON.stringify of the manifest), or omit manifestJson.`,
    }));
  });

  it('should answer text that is not JSON with MANIFEST_MISMATCH, not as if the archive\'s manifest.json were broken', () => {
    expect(() => manifestFromScan(scan, '{ not json')).toThrow(expect.objectContaining({
      code: 'MANIFEST_MISMATCH',
      message: expect.stringMatching(/^manifestJson is not valid JSON \(.+\), so it cannot be the archive's manifest\.json, which is\. Fix: send the manifest\.json that was packed into the bundle, or omit manifestJson\.$/),
    }));
  });
});
