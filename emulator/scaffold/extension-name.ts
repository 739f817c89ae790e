// The scaffolder's naming rule. manifest.json only needs a non-empty `name` (spec 06), but the
// scaffold also uses it as the npm package name, in the `publisher.name` slug of Gateway URLs and
// in the UI's title, so it takes the strictest form all of those accept.

/** Lower-case letters and digits in hyphen-separated words, starting with a letter. */
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Long enough for any real name, short enough for URLs, storage namespaces and npm. */
export const MAX_NAME_CHARS = 64;

/** Why `name` is not a valid scaffold name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > MAX_NAME_CHARS) return `it has ${name.length} characters; the limit is ${MAX_NAME_CHARS}`;
  if (!NAME_PATTERN.test(name)) return 'use lower-case letters and digits, in words joined by single hyphens, starting with a letter';
  return undefined;
}

/**
 * A valid name close to `input` (lower case, other characters turned into hyphens), or
 * `my-extension` when nothing usable is left.
 *
 * @example suggestName('My Extension') // 'my-extension'
 */
export function suggestName(input: string): string {
  const slug = input
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_NAME_CHARS)
    .replace(/-+$/, '');
  return nameProblem(slug) === undefined ? slug : 'my-extension';
}

/**
 * `My Extension` from `my-extension`: the menu label and page title.
 *
 * @example titleOf('acme-notes') // 'Acme Notes'
 */
export function titleOf(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
