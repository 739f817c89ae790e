import { isDeepStrictEqual } from 'node:util';
import type { ScanResult } from '../bundles/scan.ts';
import { EmulatorError, describeError } from '../errors.ts';
import { invalidManifestError, parseManifestText, type ExtensionManifest } from '../manifest/index.ts';

/**
 * The manifest finalize registers: the archive's `manifest.json` (at the root, else the first one
 * folder deep, as production looks for it), validated. A sent `manifestJson` is only a copy: it
 * must parse to the same JSON, or the publish is refused with MANIFEST_MISMATCH, since the
 * registry would otherwise describe a bundle other than the one the Runner runs.
 *
 * @example manifestFromScan(await scanBundle(bytes, limits), body.manifestJson)
 */
export function manifestFromScan(scan: Pick<ScanResult, 'manifests'>, manifestJson: unknown): ExtensionManifest {
  if (manifestJson !== undefined && manifestJson !== null && typeof manifestJson !== 'string') {
    throw new EmulatorError(
      'INVALID_BODY',
      `manifestJson is ${Array.isArray(manifestJson) ? 'an array' : typeof manifestJson === 'object' ? 'an object' : `a ${typeof manifestJson}`}, not a string: finalize compares the text of manifest.json with the archive's. Fix: send the file's text (JSON.stringify of the manifest), or omit manifestJson.`,
    );
  }
  const found = scan.manifests.find((m) => m.path === 'manifest.json') ?? scan.manifests[0];
  if (!found) {
    throw new EmulatorError('MANIFEST_NOT_FOUND', 'the archive has no manifest.json at its root or one folder deep; it is where the registry reads the manifest from. Fix: put manifest.json at the bundle root and pack again.');
  }
  const parsed = parseManifestText(found.text);
  if (!parsed.ok) throw invalidManifestError(parsed.issues);
  const sent = typeof manifestJson === 'string' && manifestJson.trim() !== '' ? manifestJson : undefined;
  if (sent !== undefined) checkSameManifest(found.path, found.text, sent);
  return parsed.manifest;
}

function checkSameManifest(where: string, archived: string, sent: string): void {
  let sentValue: unknown;
  try {
    sentValue = JSON.parse(sent);
  } catch (err) {
    throw new EmulatorError(
      'MANIFEST_MISMATCH',
      `manifestJson is not valid JSON (${describeError(err)}), so it cannot be the archive's ${where}, which is. Fix: send the manifest.json that was packed into the bundle, or omit manifestJson.`,
    );
  }
  const archivedValue: unknown = JSON.parse(archived);
  if (isDeepStrictEqual(sentValue, archivedValue)) return;
  const diff = firstDifference(sentValue, archivedValue, '');
  throw new EmulatorError(
    'MANIFEST_MISMATCH',
    `manifestJson differs from the archive's ${where} at ${diff.path || 'the top level'} (sent ${diff.sent}, archive has ${diff.archived}); the Runner runs what the archive holds. Fix: send the manifest.json that was packed into the bundle, or omit manifestJson.`,
  );
}

interface Difference {
  path: string;
  sent: string;
  archived: string;
}

/** Where two JSON values first differ, as a dotted path with both sides shown briefly. */
function firstDifference(sent: unknown, archived: unknown, path: string): Difference {
  const bothObjects = isObject(sent) && isObject(archived) && Array.isArray(sent) === Array.isArray(archived);
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(sent), ...Object.keys(archived)])];
    for (const key of keys) {
      const a = (sent as Record<string, unknown>)[key];
      const b = (archived as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, Array.isArray(sent) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    }
  }
  return { path, sent: brief(sent), archived: brief(archived) };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function brief(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
