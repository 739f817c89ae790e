import { checkChars, describeValue, indexPath, isRecord, relativePathString, type IssueList } from './issues.ts';
import type { ManifestLimits } from './limits.ts';

export interface ApiEndpoint {
  method: string;
  path: string;
  handler: string;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

/** `:name` path parameters: a letter or `_`, then letters, digits or `_`. */
const PARAM_SEGMENT = /^:[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates `api` (spec 06): `{endpoints: [{method, path, handler}]}`. Methods come back upper
 * case; extra keys on an endpoint (e.g. `schedulable`) are tolerated and dropped. Returns
 * undefined when any endpoint has issues. More than `limits.endpoints` endpoints is one issue and
 * no endpoint is checked: the Gateway matches every call against the whole list.
 */
export function validateApi(value: unknown, issues: IssueList, limits: Readonly<ManifestLimits>): { endpoints: ApiEndpoint[] } | undefined {
  if (!isRecord(value)) {
    issues.add('$.api', `must be an object {endpoints: [...]}, got ${describeValue(value)}`);
    return undefined;
  }
  const path = '$.api.endpoints';
  if (value.endpoints === undefined) {
    issues.add(path, 'is required (an array of {method, path, handler})');
    return undefined;
  }
  if (!Array.isArray(value.endpoints)) {
    issues.add(path, `must be an array of {method, path, handler}, got ${describeValue(value.endpoints)}`);
    return undefined;
  }
  if (value.endpoints.length > limits.endpoints) {
    issues.add(path, `has ${value.endpoints.length} endpoints; the limit is ${limits.endpoints}`);
    return undefined;
  }
  const before = issues.count;
  const endpoints: ApiEndpoint[] = [];
  const seen = new Map<string, string>();
  value.endpoints.forEach((raw: unknown, i) => {
    const endpoint = validateEndpoint(raw, indexPath(path, i), issues, limits.pathChars);
    if (endpoint) checkDuplicate(endpoint, indexPath(path, i), seen, issues);
    if (endpoint) endpoints.push(endpoint);
  });
  return issues.count > before ? undefined : { endpoints };
}

function validateEndpoint(value: unknown, path: string, issues: IssueList, maxChars: number): ApiEndpoint | undefined {
  if (!isRecord(value)) {
    issues.add(path, `must be an object {method, path, handler}, got ${describeValue(value)}`);
    return undefined;
  }
  const method = validateMethod(value.method, `${path}.method`, issues);
  const routePath = validateRoutePath(value.path, `${path}.path`, issues, maxChars);
  const handler = relativePathString(value.handler, `${path}.handler`, issues, maxChars);
  if (method === undefined || routePath === undefined || handler === undefined) return undefined;
  return { method, path: routePath, handler };
}

function validateMethod(value: unknown, path: string, issues: IssueList): string | undefined {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (upper !== undefined && (HTTP_METHODS as readonly string[]).includes(upper)) return upper;
  issues.add(path, `must be one of ${HTTP_METHODS.join(', ')} (any case), got ${describeValue(value)}`);
  return undefined;
}

/** Reports each rule a route path breaks, so one bad path may yield several issues. */
function validateRoutePath(value: unknown, path: string, issues: IssueList, maxChars: number): string | undefined {
  if (typeof value !== 'string' || value === '') {
    issues.add(path, `must be a string starting with "/", got ${describeValue(value)}`);
    return undefined;
  }
  if (!checkChars(value, maxChars, path, issues)) return undefined;
  const before = issues.count;
  if (!value.startsWith('/')) issues.add(path, `must start with "/", got ${describeValue(value)}`);
  if (/\s/.test(value)) issues.add(path, `must not contain whitespace, got ${describeValue(value)}`);
  if (value.includes('..')) issues.add(path, `must not contain "..", got ${describeValue(value)}`);
  for (const segment of value.split('/')) {
    if (segment.startsWith(':') && !PARAM_SEGMENT.test(segment)) {
      issues.add(path, `has an invalid parameter segment ${describeValue(segment)}; write ":name" with letters, digits and "_", not starting with a digit`);
    }
  }
  return issues.count > before ? undefined : value;
}


/** The registry's endpoint table is UNIQUE(version, method, path), so publish would fail later. */
function checkDuplicate(endpoint: ApiEndpoint, path: string, seen: Map<string, string>, issues: IssueList): void {
  const key = `${endpoint.method} ${endpoint.path}`;
  const first = seen.get(key);
  if (first === undefined) seen.set(key, path);
  else issues.add(path, `Duplicate endpoint ${key}; it is already declared at ${first}`);
}
