// Small helpers shared by the manifest validators: JSON paths, value descriptions and the issue
// collector. Internal to emulator/manifest.

/** One problem found in a manifest; `path` is a JSON path such as `$.api.endpoints[2].path`. */
export interface ManifestIssue {
  path: string;
  message: string;
}

/** Collects issues (errors) and warnings so every validator reports everything it finds. */
export class IssueList {
  readonly issues: ManifestIssue[] = [];
  readonly warnings: ManifestIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `$.a` for identifier-like keys, `$["x-y"]` otherwise, so every key has an unambiguous path. */
export function keyPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
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

const MAX_SHOWN = 60;

/** Short description of an offending value for messages: `"abc"`, `42`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/**
 * Validates an optional array of non-empty strings (`capabilities`, `assets`). Returns the valid
 * elements; a missing field is an empty list.
 */
export function stringArray(value: unknown, path: string, issues: IssueList): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.add(path, `must be an array of non-empty strings, got ${describeValue(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (isNonEmptyString(item)) out.push(item);
    else issues.add(indexPath(path, i), `must be a non-empty string, got ${describeValue(item)}`);
  });
  return out;
}

/** A non-empty string without `..` (handlers, UI entries): one issue when it is not, else the value. */
export function relativePathString(value: unknown, path: string, issues: IssueList): string | undefined {
  if (!isNonEmptyString(value)) {
    issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.includes('..')) {
    issues.add(path, `must not contain "..", got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}
