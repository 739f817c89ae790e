import { EmulatorError } from '../errors.ts';

/** `1.2.3`, optionally with `-pre` and `+build` parts (spec 06). */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** `1.2.*`: publish picks the next patch of that major.minor. */
const WILDCARD_VERSION = /^(\d+)\.(\d+)\.\*$/;
/** Leading `X.Y.Z` of an existing version; pre-release and build parts are ignored. */
const VERSION_CORE = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

/**
 * The publisher used when a manifest has none. The official CLI shows `local-dev` for such
 * extensions, so the emulator uses it everywhere (registry rows, slugs, URLs) rather than
 * inventing a second convention.
 */
export const DEFAULT_PUBLISHER = 'local-dev';

/** True for versions publish accepts: an exact version or an `X.Y.*` wildcard. */
export function isValidVersion(v: string): boolean {
  return EXACT_VERSION.test(v) || WILDCARD_VERSION.test(v);
}

/**
 * True for an `X.Y.*` wildcard version.
 *
 * @example isWildcardVersion('1.4.*') // true
 */
export function isWildcardVersion(v: string): boolean {
  return WILDCARD_VERSION.test(v);
}

/**
 * Resolves `X.Y.*` to the next patch after the highest existing `X.Y.n` (numeric comparison, so
 * `1.2.10` beats `1.2.9`; a pre-release such as `1.2.3-rc.1` counts as patch 3), or `X.Y.0`
 * when there is none. Throws INVALID_VERSION_PATTERN for anything but a wildcard.
 *
 * @example resolveWildcardVersion('1.2.*', ['1.2.0', '1.2.9', '1.3.0']) // '1.2.10'
 */
export function resolveWildcardVersion(pattern: string, existing: readonly string[]): string {
  const wildcard = WILDCARD_VERSION.exec(pattern);
  if (!wildcard) {
    throw new EmulatorError(
      'INVALID_VERSION_PATTERN',
      `cannot resolve version ${JSON.stringify(pattern)}: it is not a wildcard of the form "X.Y.*". ` +
        'Pass an exact version as it is, or use a pattern such as "1.2.*".',
    );
  }
  const major = Number(wildcard[1]);
  const minor = Number(wildcard[2]);
  let highest = -1;
  for (const version of existing) {
    const core = VERSION_CORE.exec(version);
    if (!core || Number(core[1]) !== major || Number(core[2]) !== minor) continue;
    highest = Math.max(highest, Number(core[3]));
  }
  return `${major}.${minor}.${highest + 1}`;
}

/**
 * The extension's slug: lower-case `publisher.name`, with `local-dev` when there is no publisher.
 *
 * @example manifestSlug({ publisher: 'Acme', name: 'Billing' }) // 'acme.billing'
 * @example manifestSlug({ name: 'hello' }) // 'local-dev.hello'
 */
export function manifestSlug(m: { publisher?: string; name: string }): string {
  return `${m.publisher ?? DEFAULT_PUBLISHER}.${m.name}`.toLowerCase();
}
