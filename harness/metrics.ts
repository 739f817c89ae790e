import type { RunningEmulator } from '../emulator/index.ts';
import type { InstallMetrics, StorageUsage, UiProxyHandler } from '../emulator/internals.ts';

/**
 * `emu.uiProxy`: the emulator's local ui-proxy backend (what `call-route` reaches when
 * UI_PROXY_BASE_URL is unset). Routes are this emulator's own; `emu.restore()` drops the ones
 * registered after the snapshot.
 */
export interface UiProxyRoutes {
  /**
   * Answers `call-route(route, …)` with `handler` (latest registration of a path wins; `:name`
   * segments match any one segment). The handler gets the request production would send.
   * @example emu.uiProxy.route('/api/tickets', (request) => Response.json([{ id: 'T-1' }]))
   */
  route(route: string, handler: UiProxyHandler): void;
  /** The registered route paths, latest first. */
  routes(): string[];
}

/** One hour of an install's `extension_quota_usage` row. */
export interface QuotaWindow {
  windowStart: string;
  /** Wall-clock milliseconds of the executes (the emulator measures no CPU time). */
  cpuMs: number;
  memMbMs: number;
  invocations: number;
  egressBytes: number;
}

/** `emu.metrics(ext)`: an install's executes, host calls, egress, storage use and quota-usage rows. */
export interface ExtensionMetrics extends InstallMetrics {
  /** Storage use against the quotas, now. */
  storage: Omit<StorageUsage, 'tenantId' | 'installId'>;
  /** The registry's `extension_quota_usage` rows of the extension in the tenant, oldest first. */
  quotaUsage: QuotaWindow[];
}

/** The numbers of one install (zeros before its first call). */
export function extensionMetrics(platform: RunningEmulator, install: { tenantId: string; registryId: string; installId: string }): ExtensionMetrics {
  const { tenantId, registryId, installId } = install;
  const executions: InstallMetrics = platform.metrics.forInstall(tenantId, registryId, installId) ?? {
    tenantId, extensionId: registryId, installId, invocations: {}, durationMsTotal: 0, durationMsMax: 0, memoryBytesMax: 0, memoryLimitBytes: 0, hostCalls: {}, egressRequests: 0, egressBytes: 0,
  };
  const { namespaces, keys, bytes, limits } = platform.metrics.storageOf(tenantId, installId);
  const quotaUsage = platform.metrics.quotaUsage(tenantId, registryId).map((r) => ({
    windowStart: r.window_start, cpuMs: r.cpu_ms, memMbMs: r.mem_mb_ms, invocations: r.invocations, egressBytes: r.egress_bytes,
  }));
  return { ...executions, storage: { namespaces, keys, bytes, limits }, quotaUsage };
}
