/**
 * Checks an archive's signature before the Runner runs or serves it (spec 07: verification happens
 * at install **and** each time the Runner loads or serves a bundle, so a bundle swapped in the
 * store after install is refused). The signing module implements it; the Runner only calls it.
 *
 * @example
 * const verifier: BundleVerifier = {
 *   async verify({ contentHash }) {
 *     if (!trusted.has(contentHash)) throw new EmulatorError('SIGNATURE_UNTRUSTED', `…`);
 *   },
 * };
 * new Runner(config, { verifier });
 */
export interface BundleVerifier {
  /**
   * Throws an EmulatorError (codes SIGNATURE_*) when the bytes read from the store may not run.
   * `contentHash` is computed from `bytes`; `expectedContentHash` is the hash the request named,
   * whose stored signature must verify against the bytes actually read.
   */
  verify(input: { tenantId: string; extensionId: string; contentHash: string; expectedContentHash: string; bytes: Uint8Array }): Promise<void>;
}
