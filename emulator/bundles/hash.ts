import { createHash } from 'node:crypto';
import { EmulatorError } from '../errors.ts';

const PREFIX = 'sha256:';
const HEX_64 = /^[0-9a-f]{64}$/;

/**
 * Content hash of a bundle: `sha256:` + lowercase hex of the exact archive bytes (the compressed
 * `.tar.zst`, never its contents), as production computes it.
 *
 * @example computeContentHash(new Uint8Array()) // 'sha256:e3b0c442…b855'
 */
export function computeContentHash(bytes: Uint8Array): string {
  return PREFIX + createHash('sha256').update(bytes).digest('hex');
}

/**
 * Accepts `sha256:<hex>` or a bare 64-hex digest in any case and returns the canonical
 * `sha256:<lowercase hex>` form, so hashes compare case-insensitively everywhere.
 *
 * @example normalizeContentHash('SHA256:ABC…') // 'sha256:abc…'
 */
export function normalizeContentHash(input: string): string {
  const lower = input.toLowerCase();
  const hex = lower.startsWith(PREFIX) ? lower.slice(PREFIX.length) : lower;
  if (!HEX_64.test(hex)) {
    throw new EmulatorError(
      'INVALID_CONTENT_HASH',
      `invalid content hash ${JSON.stringify(truncate(input))}: expected "sha256:" followed by 64 hex characters. ` +
        'Use the contentHash reported by the pack or publish step.',
    );
  }
  return PREFIX + hex;
}

/**
 * The 64 lowercase hex characters of a content hash (used for folder names and store keys).
 *
 * @example hashHex('sha256:ABC…') // 'abc…'
 */
export function hashHex(hash: string): string {
  return normalizeContentHash(hash).slice(PREFIX.length);
}

// Keeps error messages readable when a header carries something huge.
function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
