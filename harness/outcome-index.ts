import type { ExecuteOutcome } from '../emulator/index.ts';
import type { ExecuteObserved, HostCallRecord } from '../emulator/internals.ts';

/** What the Runner did for one request id: its envelope and the guest's host calls, in order. */
export interface ObservedExecute {
  envelope: ExecuteOutcome['envelope'];
  hostCalls: HostCallRecord[];
  tenantId: string;
  extensionId: string;
}

/** How many outcomes an emulator keeps before dropping the oldest (a test reads its own at once). */
export const DEFAULT_OUTCOME_CAPACITY = 1000;

/**
 * The Runner's execute outcomes of one emulator, by request id, oldest dropped first. One per
 * emulator (never module-level), so two emulators in one process never see each other's calls.
 * An execute without a request id cannot be claimed and is not kept.
 *
 * @example
 * const index = new OutcomeIndex();
 * startEmulator({ onExecute: (outcome, request) => index.record(outcome, request) });
 * index.take('req-1'); // { envelope, hostCalls, tenantId, extensionId } or undefined
 */
export class OutcomeIndex {
  readonly #capacity: number;
  readonly #byRequestId = new Map<string, ObservedExecute>();

  constructor(capacity = DEFAULT_OUTCOME_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`OutcomeIndex capacity must be a whole number ≥ 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** The `onExecute` observer: keeps the outcome under its request id (a later one replaces it). */
  record(outcome: ExecuteOutcome, request: ExecuteObserved): void {
    if (request.requestId === undefined || request.requestId === '') return;
    this.#byRequestId.delete(request.requestId);
    this.#byRequestId.set(request.requestId, {
      envelope: outcome.envelope,
      hostCalls: [...outcome.hostCalls],
      tenantId: request.tenantId,
      extensionId: request.extensionId,
    });
    while (this.#byRequestId.size > this.#capacity) {
      const oldest = this.#byRequestId.keys().next().value as string;
      this.#byRequestId.delete(oldest);
    }
  }

  /** Forgets a request id, so a call about to reuse it cannot be answered with an older outcome. */
  forget(requestId: string): void {
    this.#byRequestId.delete(requestId);
  }

  /** Removes and returns the outcome of a request id, or undefined when the Runner never ran it. */
  take(requestId: string): ObservedExecute | undefined {
    const found = this.#byRequestId.get(requestId);
    this.#byRequestId.delete(requestId);
    return found;
  }

  get size(): number {
    return this.#byRequestId.size;
  }
}
