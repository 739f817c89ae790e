// The doctor's report types, its problem codes with their fixes, and the collector every check
// writes into.
import type { SigningMode, TrustStore } from '../signing/index.ts';

/** One thing wrong with a bundle: stable code, where it is, what is wrong, how to fix it. */
export interface DoctorProblem {
  code: string;
  /** An archive path (`ui/app.mjs`), a manifest JSON path (`$.api.endpoints[0].path`) or the target. */
  where: string;
  message: string;
  fix: string;
}

export interface DoctorReport {
  /** True when there are no problems (warnings do not fail a bundle). */
  ok: boolean;
  /** The folder or `.tar.zst` file that was checked, as given. */
  source: string;
  /** `sha256:<hex>` of the archive (packed in memory for a folder). */
  contentHash?: string;
  problems: DoctorProblem[];
  warnings: DoctorProblem[];
  /** The checks that ran, in order (a check that could not run is absent). */
  checked: string[];
}

export interface DoctorOptions {
  /** Detached signature text; default: the `<bundle>.SIGNATURE` file next to a bundle file. */
  signatureText?: string;
  /** Keys signatures may come from; default: none (any signature is then untrusted). */
  trust?: TrustStore;
  /** Default `dev`: a missing signature is a warning; `strict` makes it a problem; `off` skips. */
  mode?: SigningMode;
  /** Called with a short label before each step. */
  onProgress?: (step: string) => void;
  /** Where transpiled components are cached; default: a temporary folder removed afterwards. */
  cacheRoot?: string;
}

/** Every code the doctor reports, with the fix shown next to it. */
export const DOCTOR_FIXES = {
  TARGET_NOT_FOUND: 'Pass an extension folder (holding manifest.json) or a bundle.tar.zst file.',
  MANIFEST_NOT_FOUND: 'Add manifest.json at the root of the extension (the archive root), then pack again.',
  PACK_FAILED: 'Fix the error above and run the doctor again.',
  BUNDLE_NOT_ZSTD: 'Repack the extension with the emulator packer or `tar -cf - … | zstd`.',
  BUNDLE_BAD_TAR: 'Repack the extension with the emulator packer or `tar -cf - … | zstd`.',
  UNSAFE_ENTRY: 'Pack with paths relative to the extension root (no leading "/", no "..", no backslashes); publish refuses the bundle until then (BUNDLE_UNSAFE_PATH).',
  HIDDEN_ENTRY: 'Remove the dot-file or dot-folder from the bundle; the Runner never extracts or serves it.',
  LINK_ENTRY: 'Replace the link with a copy of the file (`tar -h`); publish refuses bundles holding links (BUNDLE_UNSUPPORTED_ENTRY).',
  BUNDLE_DUPLICATE_ENTRY: 'Pack each path once; publish refuses a bundle holding a path twice.',
  BUNDLE_PATH_CLASH: 'Rename the file or the folder so that no file sits where a folder is needed; publish refuses the bundle until then.',
  ARCHIVE_LIMIT: 'Shrink the bundle as the message says, or raise the named EXT_BUNDLE_MAX_* setting where it is published and run.',
  INVALID_MANIFEST: 'Fix this manifest.json field as described (spec 06); publish refuses the bundle until then.',
  MANIFEST_TOO_LARGE: 'Shorten labels and paths or declare fewer endpoints (":param" segments let one entry serve many routes); publish answers 413 MANIFEST_TOO_LARGE until then.',
  MANIFEST_WARNING: 'Optional: adjust manifest.json as described.',
  MANIFEST_NESTED: 'Pack from inside the extension folder so manifest.json, dist/ and ui/ sit at the archive root, where the Runner looks for them.',
  WASM_MISSING: 'Build the handler into dist/main.wasm (e.g. `npm run build`), or remove api.endpoints for a UI-only extension.',
  WASM_UNUSED: 'Declare the routes in api.endpoints, or leave dist/main.wasm out of a UI-only extension.',
  COMPONENT_INVALID: 'Rebuild dist/main.wasm as a component of world alga:extension/runner (componentize-js or `wasm-tools component new`).',
  COMPONENT_LINK: 'Build against the Runner\'s WIT (alga:extension/runner) and import only its interfaces, unversioned and with the same types.',
  HANDLER_EXPORT_MISSING: 'Export the function `handler` from the component (the world\'s `export handler`).',
  COMPONENT_CHECK_FAILED: 'The component could not be checked here; rerun the doctor, and report it if it persists.',
  UI_ENTRY_MISSING: 'Add the file under ui/ (the iframe loads ui/index.html), or fix manifest.ui.entry.',
  UI_ASSET_TYPE: 'Rename or convert the file to a type /ext-ui serves, or load it from elsewhere; /ext-ui answers 400 for it.',
  UI_NOT_DECLARED: 'Add `ui: {type: "iframe", entry: "ui/index.html"}` to manifest.json, or leave ui/ out of the bundle.',
  SIGNATURE_MISSING: 'Sign the bundle (`alga-emulator sign`) with a key listed in SIGNING_TRUST_BUNDLE.',
  SIGNATURE_UNTRUSTED: 'Add the signer\'s public key to the trust bundle, or sign with a trusted key.',
  SIGNATURE_INVALID: 'Re-sign the exact archive being checked; the signature does not match its bytes.',
  SIGNATURE_UNVERIFIABLE: 'Replace the `alga sign` placeholder with a real signature (`alga-emulator sign`).',
  SIGNATURE_CHECK_FAILED: 'Fix the signing configuration described in the message (mode, trust bundle).',
} as const;

export type DoctorCode = keyof typeof DOCTOR_FIXES;

/** Collects problems, warnings and the names of the checks that ran. */
export class Findings {
  readonly problems: DoctorProblem[] = [];
  readonly warnings: DoctorProblem[] = [];
  readonly checked: string[] = [];

  problem(code: DoctorCode, where: string, message: string): void {
    this.problems.push({ code, where, message, fix: DOCTOR_FIXES[code] });
  }

  warning(code: DoctorCode, where: string, message: string): void {
    this.warnings.push({ code, where, message, fix: DOCTOR_FIXES[code] });
  }

  /** Records an error thrown by another module under its own code when the doctor knows it. */
  fromError(fallback: DoctorCode, where: string, code: string, message: string): void {
    this.problem(isDoctorCode(code) ? code : fallback, where, message);
  }
}

export function isDoctorCode(code: string): code is DoctorCode {
  return Object.hasOwn(DOCTOR_FIXES, code);
}
