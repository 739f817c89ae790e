// The "Starting extension" overlay (spec 05): the iframe starts hidden and is shown on the first
// valid `ready`, the iframe `load` event, or after 1500 ms, whichever comes first.

export const OVERLAY_TIMEOUT_MS = 1500;
export type RevealReason = 'ready' | 'load' | 'timeout';

export class FrameReveal {
  #reason: RevealReason | null = null;
  #ready = false;

  /** The first reason; later ones change nothing. Answers true when this call revealed it. */
  reveal(reason: RevealReason): boolean {
    if (reason === 'ready') this.#ready = true;
    if (this.#reason !== null) return false;
    this.#reason = reason;
    return true;
  }

  get revealedBy(): RevealReason | null {
    return this.#reason;
  }

  /** Whether a valid `ready` arrived (the moment theme and bootstrap are sent). */
  get ready(): boolean {
    return this.#ready;
  }
}
