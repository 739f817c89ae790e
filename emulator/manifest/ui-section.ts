import { checkChars, describeValue, isNonEmptyString, isRecord, keyPath, relativePathString, shorten, type IssueList } from './issues.ts';
import type { ManifestLimits } from './limits.ts';

export interface MenuHook {
  label: string;
}

export interface UiSection {
  type: 'iframe';
  entry: string;
  hooks?: { appMenu?: MenuHook; clientPortalMenu?: MenuHook };
}

/** Hooks the platform reads; any other hook name is ignored with a warning. */
const KNOWN_HOOKS = ['appMenu', 'clientPortalMenu'] as const;

/**
 * Validates `ui` (spec 06): `{type: "iframe", entry, hooks?}`. Returns undefined when it has
 * issues; other keys on `ui` are tolerated and dropped.
 */
export function validateUi(value: unknown, issues: IssueList, limits: Readonly<ManifestLimits>): UiSection | undefined {
  const path = '$.ui';
  if (!isRecord(value)) {
    issues.add(path, `must be an object {type: "iframe", entry, hooks?}, got ${describeValue(value)}`);
    return undefined;
  }
  const before = issues.count;
  if (value.type !== 'iframe') issues.add(`${path}.type`, `must be "iframe", got ${describeValue(value.type)}`);
  const entry = validateEntry(value.entry, `${path}.entry`, issues, limits.pathChars);
  const hooks = value.hooks === undefined ? undefined : validateHooks(value.hooks, `${path}.hooks`, issues, limits);
  if (issues.count > before || entry === undefined) return undefined;
  return hooks === undefined ? { type: 'iframe', entry } : { type: 'iframe', entry, hooks };
}

function validateEntry(value: unknown, path: string, issues: IssueList, maxChars: number): string | undefined {
  if (value === undefined) {
    issues.add(path, 'is required (a non-empty path such as "ui/index.html")');
    return undefined;
  }
  return relativePathString(value, path, issues, maxChars);
}

function validateHooks(value: unknown, path: string, issues: IssueList, limits: Readonly<ManifestLimits>): UiSection['hooks'] {
  if (!isRecord(value)) {
    issues.add(path, `must be an object, got ${describeValue(value)}`);
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length > limits.hooks) {
    issues.add(path, `has ${entries.length} hooks; the limit is ${limits.hooks}`);
    return undefined;
  }
  const hooks: NonNullable<UiSection['hooks']> = {};
  for (const [name, hook] of entries) {
    const hookPath = keyPath(path, name);
    if (!(KNOWN_HOOKS as readonly string[]).includes(name)) {
      issues.warn(hookPath, `Unknown hook '${shorten(name)}' is ignored; the platform reads only ${KNOWN_HOOKS.join(', ')}`);
      continue;
    }
    const menu = validateMenuHook(hook, hookPath, issues, limits.labelChars);
    if (menu) hooks[name as (typeof KNOWN_HOOKS)[number]] = menu;
  }
  return hooks;
}

function validateMenuHook(value: unknown, path: string, issues: IssueList, maxChars: number): MenuHook | undefined {
  if (!isRecord(value)) {
    issues.add(path, `must be an object with a non-empty label, got ${describeValue(value)}`);
    return undefined;
  }
  if (!isNonEmptyString(value.label)) {
    issues.add(`${path}.label`, `must be a non-empty string, got ${describeValue(value.label)}`);
    return undefined;
  }
  return checkChars(value.label, maxChars, `${path}.label`, issues) ? { label: value.label } : undefined;
}
