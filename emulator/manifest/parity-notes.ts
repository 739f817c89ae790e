import { MANIFEST_LIMITS as L } from './limits.ts';

/**
 * Where manifest validation is stricter than production (parity policy rule 2), worded from
 * MANIFEST_LIMITS. Listed by `npm run parity-notes` and in the README.
 */
export const MANIFEST_PARITY_NOTES: readonly string[] = [
  `manifest.json over ${L.manifestBytes / 1024} KiB is refused with 413 MANIFEST_TOO_LARGE, and publish, the doctor and the dev loop refuse more than ${L.endpoints} endpoints, ${L.capabilities} capabilities, ${L.assets} assets, ${L.precompiled} precompiled targets or ${L.hooks} ui hooks, menu labels over ${L.labelChars} characters, capability strings and precompiled keys over ${L.keyChars}, and paths, handlers, ui.entry, assets and precompiled values over ${L.pathChars} (INVALID_MANIFEST naming the field, the limit and the size); production checks no length or count.`,
  `name, publisher, version and runtime over ${L.identifierChars} characters are refused at validation with INVALID_MANIFEST (production stores them in varchar(255) columns, so its insert fails later with a database error).`,
  `An INVALID_MANIFEST answer lists the first ${L.reportedIssues} issues and one line counting the rest, and cuts keys over 60 characters in paths and messages (production lists every issue in full).`,
];
