import { describeError, EmulatorError } from '../errors.ts';
import { TrustStore, verifyBundleSignature, type SigningMode } from '../signing/index.ts';
import type { DoctorCode, Findings } from './problems.ts';

export interface SignatureCheckInput {
  contentHash: string;
  signatureText: string | undefined;
  /** Where the signature came from, for `where` (`bundle.tar.zst.SIGNATURE`, `signatureText`). */
  signatureSource: string;
  trust: TrustStore | undefined;
  mode: SigningMode;
}

/** What a tolerated signature status is reported as when the signing module only warns. */
const WARNING_CODES: Record<string, DoctorCode> = { unsigned: 'SIGNATURE_MISSING', placeholder: 'SIGNATURE_UNVERIFIABLE' };

/**
 * Verifies the detached signature exactly as publish/install would under `mode`. A refusal is a
 * problem with the signing module's code; what the mode tolerates (dev: unsigned) is a warning.
 */
export function checkSignature(input: SignatureCheckInput, findings: Findings): void {
  try {
    const result = verifyBundleSignature({
      contentHash: input.contentHash,
      signatureText: input.signatureText,
      // No trust given: nothing is trusted, so a signature can only pass with explicit keys.
      trust: input.trust ?? TrustStore.fromPems([]),
      mode: input.mode,
    });
    const code = WARNING_CODES[result.status] ?? 'SIGNATURE_CHECK_FAILED';
    for (const warning of result.warnings) findings.warning(code, input.signatureSource, warning);
  } catch (err) {
    const code = err instanceof EmulatorError ? err.code : 'SIGNATURE_CHECK_FAILED';
    findings.fromError('SIGNATURE_CHECK_FAILED', input.signatureSource, code, describeError(err));
  }
}
