// `schedules list <ext>` and `schedules run <id>`: an install's schedules, and production's "run
// now" against the Runner of an emulator running on the same data folder (RUNNER_PORT).
import { systemClock } from '../../clock.ts';
import { httpUrl, runnerBindHost } from '../../host/bind-policy.ts';
import type { ScheduleView } from '../../registry/schedules.ts';
import { ScheduleTimer } from '../../scheduler/schedule-timer.ts';
import { BIN } from './args.ts';
import { withEmulatorData } from './data.ts';
import { report } from './output.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

function scheduleLine(s: ScheduleView): string {
  const last = s.lastRunAt ? `last ${s.lastRunAt} ${s.lastRunStatus ?? ''}${s.lastError ? ` (${s.lastError})` : ''}` : 'never ran';
  return `  ${s.id}  ${s.name ?? '(unnamed)'}  ${s.endpointMethod} ${s.endpointPath}  "${s.cron}" ${s.timezone}  ${s.enabled ? `next ${s.nextRunAt ?? '-'}` : 'disabled'}  ${last}`;
}

function listSchedules(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data, { tenantId }) => {
    const ref = input.args[0] as string;
    const install = data.registry.installOf(tenantId, ref);
    const schedules = install ? data.registry.scheduleStore.views(install.installId) : [];
    const title = install ? `schedules of ${install.slug} for tenant ${tenantId}` : `${ref} is not installed for tenant ${tenantId}`;
    return report(io, input.globals, { tenantId, installId: install?.installId ?? null, schedules }, [title, ...(schedules.length === 0 ? ['  (none)'] : schedules.map(scheduleLine))]);
  });
}

function runSchedule(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data) => {
    const { settings } = data;
    // The emulator's own Runner listens on loopback unless HOST is loopback itself (bind-policy.ts).
    const runnerBaseUrl = settings.runnerBaseUrl ?? httpUrl(runnerBindHost(settings.host), settings.runnerPort);
    const timer = new ScheduleTimer({ registry: data.registry, runnerBaseUrl, clock: systemClock, timeoutMs: settings.gatewayTimeoutMs, debugEvents: { publish: () => undefined } });
    try {
      const run = await timer.runNow(input.args[0] as string);
      const hint = run.status === 'error' && run.response === null ? [`  is the emulator running? (${runnerBaseUrl}; start it with \`npm run emulate\` on this data folder)`] : [];
      const answer = run.response ? [`  the extension answered ${run.response.status}`] : [];
      return report(io, input.globals, run, [`ran schedule ${run.scheduleId} at ${run.ranAt}: ${run.status}${run.error ? ` (${run.error})` : ''}`, ...answer, ...hint]);
    } finally {
      await timer.close();
    }
  });
}

export const SCHEDULES_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'schedules list',
    summary: "list an install's schedules with last run and next firing",
    usage: '<ext>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} schedules list acme.cli-ui`,
    run: listSchedules,
  },
  {
    name: 'schedules run',
    summary: 'fire a schedule now through the running emulator’s Runner (production’s "run now")',
    usage: '<schedule-id>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} schedules run 6f0c…`,
    details: [
      'Needs `npm run emulate` running on the same data folder: the run is POSTed to its Runner (RUNNER_PORT) and recorded as the schedule\'s last run.',
      'Production\'s limit applies: 5 run-nows per tenant in 60 s, counted in the data folder with the emulator\'s own; the sixth fails with RUN_NOW_RATE_LIMITED, saying when it can run again.',
    ],
    run: runSchedule,
  },
];
