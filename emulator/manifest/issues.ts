// Small helpers shared by the manifest validators: JSON paths, value descriptions and the issue
// collector. Internal to emulator/manifest.

/** One problem found in a manifest; `path` is a JSON path such as `$.api.endpoints[2].path`. */
export interface ManifestIssue {
  path: string;
  message: string;
}

/**
 * Collects issues (errors) and warnings so every validator reports everything it finds. Only the
 * first `maxListed` of each are kept (a hostile manifest can break a rule a million times); the
 * lists end with one line saying how many more there were.
 */
export class IssueList {
  readonly #issues: ManifestIssue[] = [];
  readonly #warnings: ManifestIssue[] = [];
  readonly #maxListed: number;
  /** Issues added so far, listed or not: validators compare it before and after a field. */
  count = 0;
  #warningCount = 0;

  constructor(maxListed: number) {
    this.#maxListed = maxListed;
  }

  add(path: string, message: string): void {
    this.count += 1;
    if (this.#issues.length < this.#maxListed) this.#issues.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.#warningCount += 1;
    if (this.#warnings.length < this.#maxListed) this.#warnings.push({ path, message });
  }

  get issues(): ManifestIssue[] {
    return withSummary(this.#issues, this.count, 'issue');
  }

  get warnings(): ManifestIssue[] {
    return withSummary(this.#warnings, this.#warningCount, 'warning');
  }
}

function withSummary(listed: readonly ManifestIssue[], total: number, what: 'issue' | 'warning'): ManifestIssue[] {
  const out = listed.map((i) => ({ ...i }));
  const more = total - listed.length;
  if (more > 0) out.push({ path: '$', message: `and ${more} more ${what}${more === 1 ? '' : 's'}; only the first ${listed.length} are listed` });
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_SHOWN = 60;

/**
 * `$.a` for identifier-like keys, `$["x-y"]` otherwise, so every key has an unambiguous path. A
 * key longer than 60 characters is cut with "…" (paths end up in error bodies).
 */
export function keyPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key) && key.length <= MAX_SHOWN) return `${parent}.${key}`;
  return `${parent}[${JSON.stringify(shorten(key))}]`;
}

/** `value` cut to 60 characters with "…", for keys and names echoed in messages. */
export function shorten(value: string): string {
  return value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string with at least one non-whitespace character (a name of spaces is as good as none). */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Short description of an offending value for messages: `"abc"`, `42`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    return JSON.stringify(shorten(value));
  }
  return String(value);
}

/**
 * Validates an optional array of non-empty strings (`capabilities`, `assets`) of at most
 * `maxCount` elements of at most `maxChars` characters. Returns the valid elements; a missing
 * field is an empty list, and an over-long list is one issue with no element checked.
 */
export function stringArray(value: unknown, path: string, issues: IssueList, limit: { maxCount: number; maxChars: number }): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.add(path, `must be an array of non-empty strings, got ${describeValue(value)}`);
    return [];
  }
  if (value.length > limit.maxCount) {
    issues.add(path, `has ${value.length} entries; the limit is ${limit.maxCount}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (!isNonEmptyString(item)) issues.add(indexPath(path, i), `must be a non-empty string, got ${describeValue(item)}`);
    else if (checkChars(item, limit.maxChars, indexPath(path, i), issues)) out.push(item);
  });
  return out;
}

/**
 * A non-empty string of at most `maxChars` characters without `..` (handlers, UI entries): one
 * issue when it is not, else the value.
 */
export function relativePathString(value: unknown, path: string, issues: IssueList, maxChars: number): string | undefined {
  if (!isNonEmptyString(value)) {
    issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  if (!checkChars(value, maxChars, path, issues)) return undefined;
  if (value.includes('..')) {
    issues.add(path, `must not contain "..", got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

/** Unicode code points in `value` (a surrogate pair counts once, as Postgres counts characters). */
export function codePointLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/**
 * True when `value` fits `limit` characters; otherwise adds `has N characters; the limit is L` at
 * `path` (after `subject`, e.g. "key ", when the value is not what the path names).
 */
export function checkChars(value: string, limit: number, path: string, issues: IssueList, subject = ''): boolean {
  if (value.length <= limit) return true; // code points never outnumber UTF-16 units
  const chars = codePointLength(value);
  if (chars <= limit) return true;
  issues.add(path, `${subject}has ${chars} characters; the limit is ${limit}`);
  return false;
}
