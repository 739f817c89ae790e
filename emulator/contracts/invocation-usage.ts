/** What one execute cost, measured by the Runner (metrics and quota usage build on it). */
export interface InvocationUsage {
  /** Wall time of the whole execute (bundle load, queue, guest, host calls), in milliseconds. */
  durationMs: number;
  /**
   * The guest instance's linear memory after the call, in bytes: its high-water mark (memory
   * never shrinks and instances are reused), so an upper bound of this call's own peak.
   * Undefined when the guest did not run to completion (trap, timeout, load failure).
   */
  memoryBytes: number | undefined;
  /**
   * The component's own run on its guest worker, in milliseconds: its handler from entry to
   * return on a fresh instance, its host calls included (the part of `durationMs` the guest's
   * code and the capabilities it called account for). Absent when the guest did not return.
   */
  guestMs?: number;
  /** `limits.memory_mb` of the request (default 256), in bytes. */
  memoryLimitBytes: number;
  /** `context.install_id` of the request; undefined for a bare execute without one. */
  installId: string | undefined;
}
