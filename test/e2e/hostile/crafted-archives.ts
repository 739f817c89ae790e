// Hostile bundle archives, built in a temp folder at test time (nothing big is committed). Shared
// by test/e2e/hostile/archives.test.ts and test/bench/bomb-figures.ts.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packEntries, type PackEntry } from '../../../emulator/bundles/pack.ts';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A valid UI-only manifest; the crafted archives carry it so that only their flaw is refused. */
export function uiManifest(name: string): Record<string, unknown> {
  return { name, publisher: 'hostile', version: '1.0.0', runtime: 'wasm-js@1', capabilities: [], ui: { type: 'iframe', entry: 'index.html' } };
}

/** 4.5 GiB of zeros in one tar member, as in issue 12 (≈150 KB once compressed). */
export const BOMB_UNPACKED_BYTES = 4.5 * 1024 * 1024 * 1024;

/** A ustar header for one regular file (octal fields, checksum filled in). */
function ustarHeader(name: string, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (at: number, s: string) => block.set(text(s), at);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${size.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(148, '        ');
  block[156] = '0'.charCodeAt(0);
  put(257, 'ustar\u000000');
  const sum = block.reduce((a, b) => a + b, 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/**
 * A decompression bomb compressed by the `zstd` CLI in a temp folder (a few seconds for 4.5 GiB):
 * a tar of `unpackedBytes` of zeros, in one member (`memberBytes` = all of it) or in members of
 * `memberBytes` each, so that no single file is over the per-file limit and only the ratio and
 * total limits can stop it.
 */
export async function buildZstdBomb(unpackedBytes: number = BOMB_UNPACKED_BYTES, memberBytes: number = unpackedBytes): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'zstd-bomb-'));
  try {
    const members = Math.ceil(unpackedBytes / memberBytes);
    for (let i = 0; i < members; i++) await writeFile(join(dir, `h${i}`), ustarHeader(`zeros-${i}.bin`, Math.min(memberBytes, unpackedBytes - i * memberBytes)));
    // Member sizes are multiples of 512, so zeros are each member's data, and the end-of-archive blocks.
    const script = `for i in $(seq 0 ${members - 1}); do cat "$1/h$i"; head -c ${memberBytes} /dev/zero; done; head -c 1024 /dev/zero`;
    execFileSync('sh', ['-c', `{ ${script}; } | zstd -19 -q -c > "$1/bomb.tar.zst"`, 'sh', dir]);
    return new Uint8Array(await readFile(join(dir, 'bomb.tar.zst')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Members of the many-member bomb: just under the default per-file limit (64 MiB). */
export const BOMB_MEMBER_BYTES = 63 * 1024 * 1024;

/** Deterministic, incompressible bytes. */
export function noise(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function packWith(name: string, extra: PackEntry[], withManifest = true): Promise<{ bytes: Uint8Array; manifestJson: string }> {
  const manifestJson = JSON.stringify(uiManifest(name));
  const entries: PackEntry[] = withManifest ? [{ path: 'manifest.json', data: text(manifestJson) }, ...extra] : extra;
  return { bytes: (await packEntries(entries)).bytes, manifestJson };
}

export interface CraftedArchive {
  name: string;
  bytes: Uint8Array;
  /** What the official CLI would send: the project's manifest.json. */
  manifestJson: string;
  status: number;
  code: string;
}

/** Every crafted archive but the bomb, with the answer finalize must give. */
export async function craftedArchives(): Promise<CraftedArchive[]> {
  const index = { path: 'ui/index.html', data: text('<p>ui</p>') };
  const good = await packWith('truncated', [index, { path: 'ui/big.js', data: noise(200_000) }]);
  const mismatch = await packWith('mismatch', [index]);
  const tiny = Array.from({ length: 20_000 }, (_, i) => ({ path: `ui/f${i}.js`, data: text('1') }));
  return [
    { name: 'random bytes', bytes: noise(150_000), manifestJson: JSON.stringify(uiManifest('random')), status: 400, code: 'BUNDLE_NOT_ZSTD' },
    { name: 'a truncated archive', bytes: good.bytes.subarray(0, good.bytes.length >> 1), manifestJson: good.manifestJson, status: 400, code: 'BUNDLE_NOT_ZSTD' },
    { name: 'a 300-character file name', ...(await packWith('long-name', [index, { path: `ui/${'n'.repeat(300)}.js`, data: text('1') }])), status: 400, code: 'BUNDLE_PATH_TOO_LONG' },
    { name: 'a file ui beside the folder ui/', ...(await packWith('ui-clash', [index, { path: 'ui', data: text('not a folder') }])), status: 400, code: 'BUNDLE_PATH_CLASH' },
    { name: 'two manifest.json', ...(await packWith('two-manifests', [index, { path: 'manifest.json', data: text(JSON.stringify(uiManifest('other'))) }])), status: 400, code: 'BUNDLE_DUPLICATE_ENTRY' },
    { name: 'a mismatching manifestJson', bytes: mismatch.bytes, manifestJson: JSON.stringify({ ...uiManifest('mismatch'), version: '2.0.0' }), status: 400, code: 'MANIFEST_MISMATCH' },
    { name: '20,000 tiny entries', ...(await packWith('many', tiny)), status: 400, code: 'BUNDLE_TOO_MANY_ENTRIES' },
  ];
}
