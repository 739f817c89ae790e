/**
 * The warm transpile child is off in every harness platform (`createEmulator`, `RunnerFixture`)
 * unless the caller's `env` sets `RUNNER_WARM_TRANSPILER`: test Runners are many and short-lived,
 * while the setting's default (on) suits the long-running servers.
 */
export const HARNESS_WARM_TRANSPILER: Readonly<Record<string, string>> = { RUNNER_WARM_TRANSPILER: 'off' };
