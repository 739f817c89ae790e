import type { FaultHandle, FaultPlan, FaultRule } from '../emulator/index.ts';

/**
 * Host-call failures on demand (`emu.faults`): the next N calls of a capability answer a WIT
 * error (`internal`, `transport`, …) or wait first. A call the guest is not granted (or whose
 * host is not on the egress allowlist) still fails as in production and uses up no fault.
 * Faulted calls show in the ledger with `outcome: 'err'` and `injected: true`.
 *
 * @example
 * emu.faults.inject({ capability: 'storage.put', error: 'internal', times: 2 });
 * const res = await emu.invoke(ext, { method: 'POST', path: '/counter' }); // the guest sees `internal`
 */
export interface TestFaults {
  /**
   * Plans a fault; the handle's `remaining` counts down as calls use it. FAULT_INVALID (listing
   * the valid names or error cases) for an unknown capability, function or error case.
   * @example const fault = emu.faults.inject({ capability: 'http.fetch', error: 'transport' }); fault.remaining // 1
   * @example emu.faults.inject({ capability: 'storage', latencyMs: 200, times: Infinity, extensionId: ext.registryId })
   */
  inject(rule: FaultRule): FaultHandle;
  /**
   * Drops every planned fault, used up or not (e.g. in `afterEach`).
   * @example afterEach(() => emu.faults.clear());
   */
  clear(): void;
  /**
   * The faults with calls left, oldest first.
   * @example expect(emu.faults.pending()).toEqual([]) // every planned fault happened
   */
  pending(): FaultHandle[];
}

/** `emu.faults` over the Runner's FaultPlan (its `take` stays internal). */
export class HarnessFaults implements TestFaults {
  readonly #plan: FaultPlan;

  constructor(plan: FaultPlan) {
    this.#plan = plan;
  }

  inject(rule: FaultRule): FaultHandle {
    return this.#plan.inject(rule);
  }

  clear(): void {
    this.#plan.clear();
  }

  pending(): FaultHandle[] {
    return this.#plan.pending();
  }
}
