/** Where the emulator's metrics and quota usage differ from production (which records neither). */
export const METRICS_PARITY_NOTES: readonly string[] = [
  'Metrics (GET /api/emulator/metrics, emu.metrics) and extension_quota_usage rows are the emulator\'s own: production\'s Runner exports no Prometheus metrics and leaves the table empty. Guest memory is the instance\'s linear-memory high-water mark after the call (instances are reused and memory never shrinks), an upper bound of the call\'s own peak; cpu_ms is wall time, and mem_mb_ms uses that high-water mark (the memory limit when the call did not complete).',
];
