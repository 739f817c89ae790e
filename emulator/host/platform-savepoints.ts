import type { Gateway } from '../gateway/gateway.ts';
import type { EmulatorMetrics } from '../metrics/emulator-metrics.ts';
import type { Registry } from '../registry/registry.ts';
import type { Runner } from '../runner/runner.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';

/**
 * Marks and rolls back the platform's state in place: the registry (installs, config, secrets,
 * identities, sessions, execution log) and extension storage through SQLite savepoints, and the
 * in-memory state beside them (the Runner's idempotency cache and recent debug events, the
 * Gateway's rate-limit buckets). Bundle archives stay on disk: they are content-addressed, so one
 * a rolled-back publish wrote is only reused by the next publish of the same bytes.
 *
 * @example
 * const points = new PlatformSavepoints(platform);
 * points.mark('snap_1'); await emu.install(...); points.rollbackTo('snap_1'); // as if never installed
 */
export class PlatformSavepoints implements Rewindable {
  readonly #registry: Registry;
  readonly #runner: Runner;
  readonly #gateway: Gateway;
  readonly #metrics: Pick<EmulatorMetrics, 'flushQuotaUsage' | 'dropPendingQuotaUsage'> | undefined;
  readonly #buckets = new Map<string, ReturnType<Gateway['rateLimiter']['copy']>>();

  constructor(parts: { registry: Registry; runner: Runner; gateway: Gateway; metrics?: Pick<EmulatorMetrics, 'flushQuotaUsage' | 'dropPendingQuotaUsage'> }) {
    this.#metrics = parts.metrics;
    this.#registry = parts.registry;
    this.#runner = parts.runner;
    this.#gateway = parts.gateway;
  }

  mark(name: string): void {
    // Quota usage of calls made before the mark belongs inside it.
    this.#metrics?.flushQuotaUsage();
    this.#registry.savepoints.mark(name);
    this.#runner.mark(name);
    this.#buckets.set(name, this.#gateway.rateLimiter.copy());
  }

  rollbackTo(name: string): void {
    this.#metrics?.dropPendingQuotaUsage();
    this.#registry.savepoints.rollbackTo(name);
    this.#runner.rollbackTo(name);
    const buckets = this.#buckets.get(name);
    if (buckets) this.#gateway.rateLimiter.restore(buckets);
  }
}
