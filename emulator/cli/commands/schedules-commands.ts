// `schedules list <ext>` and `schedules run <id>`: an install's schedules, and production's "run
// now". With an emulator running on the same data folder (its running-emulator.json) the run goes
// through that emulator's `POST /api/emulator/schedules/:id/run`, so it lands on its debug stream;
// otherwise the CLI fires it at the Runner itself (RUNNER_BASE_URL, else RUNNER_PORT).
import { systemClock } from '../../clock.ts';
import { httpUrl, runnerBindHost } from '../../host/bind-policy.ts';
import type { ScheduleView } from '../../registry/schedules.ts';
import { ScheduleTimer } from '../../scheduler/schedule-timer.ts';
import { describeError, EmulatorError, isErrorCode } from '../../errors.ts';
import { RUNNING_FILE, runningEmulatorOn, type RunningEmulatorInfo } from '../../host/running-file.ts';
import { runSchedulePath } from '../../host/schedules-api.ts';
import type { EmulatorData } from '../../host/start-emulator.ts';
import { PERMISSIONS } from '../../registry/identity.ts';
import type { ScheduleRun } from '../../scheduler/schedule-timer.ts';
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

/** How `schedules run` reached a Runner: through the running emulator's route, or straight to a Runner. */
type Via = { kind: 'emulator'; url: string; pid: number } | { kind: 'direct'; runnerUrl: string; reason: string };

function runSchedule(input: CommandInput, io: Output): Promise<number> {
  return withEmulatorData(input, io, async (data) => {
    const scheduleId = input.args[0] as string;
    const running = runningEmulatorOn(data.settings.dataDir);
    let reason = `no emulator is running on ${data.settings.dataDir}`;
    if (running) {
      // Said first, on stderr, so a refusal too tells which path it took.
      io.err(`running schedule ${scheduleId} through the emulator running on this data folder (${running.url}, pid ${running.pid}): the run shows on its debug stream`);
      const sent = await runThroughEmulator(data, running, scheduleId);
      if (sent.kind === 'ran') return printRun(io, input, sent.run, { kind: 'emulator', url: running.url, pid: running.pid });
      reason = `the emulator in ${RUNNING_FILE} (pid ${running.pid}) refused the connection`;
    }
    return runDirect(input, io, data, scheduleId, reason);
  });
}

/**
 * POSTs the run to the running emulator's `/api/emulator/schedules/:id/run` with an API key of
 * the schedule's tenant (the data folder holds them). A refused connection (nothing sent) lets the
 * caller fall back; the route's errors come back as the same codes.
 */
async function runThroughEmulator(data: EmulatorData, running: RunningEmulatorInfo, scheduleId: string): Promise<{ kind: 'ran'; run: ScheduleRun } | { kind: 'refused' }> {
  const { tenant_id: tenantId } = data.registry.scheduleStore.detail(scheduleId);
  const apiKey = writerKeyOf(data, tenantId);
  let res: Response;
  try {
    // The run is bounded by the emulator's own call timeout; this only guards against a hung emulator.
    res = await fetch(`${running.url}${runSchedulePath(scheduleId)}`, { method: 'POST', headers: { 'x-api-key': apiKey }, signal: AbortSignal.timeout(data.settings.gatewayTimeoutMs * 2 + 30_000) });
  } catch (err) {
    if (causeCode(err) === 'ECONNREFUSED') return { kind: 'refused' };
    throw new EmulatorError('RUNNING_EMULATOR_UNREACHABLE', `Failed to run schedule ${scheduleId} through the emulator at ${running.url} (pid ${running.pid}): ${describeError(err)}. Fix: check that emulator (its terminal shows why), or stop it and run again to use its Runner directly.`, { cause: err });
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.status === 200 && body) return { kind: 'ran', run: body as unknown as ScheduleRun };
  const code = typeof body?.code === 'string' && isErrorCode(body.code) ? body.code : 'RUNNING_EMULATOR_UNREACHABLE';
  throw new EmulatorError(code, typeof body?.error === 'string' ? body.error : `Failed to run schedule ${scheduleId} through the emulator at ${running.url}: it answered HTTP ${res.status} without an error body. Fix: check that emulator's terminal.`);
}

/** An API key of an MSP user with extension:write of the tenant (the seeded admin's). */
function writerKeyOf(data: EmulatorData, tenantId: string): string {
  const { identity } = data.registry;
  const row = identity.apiKeys(tenantId).find((k) => {
    const user = identity.user(k.user_id);
    return user?.userType === 'internal' && user.permissions.includes(PERMISSIONS.write);
  });
  if (!row) throw new EmulatorError('RBAC_FORBIDDEN', `Failed to run a schedule of tenant ${tenantId} through the running emulator: the tenant has no API key of a user with ${PERMISSIONS.write}. Fix: run \`${BIN} reset\` or restart the emulator to seed the tenant's admin key.`);
  return row.key;
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** The CLI's own ScheduleTimer against a Runner (RUNNER_BASE_URL, else RUNNER_PORT on loopback): no emulator hub hears it. */
async function runDirect(input: CommandInput, io: Output, data: EmulatorData, scheduleId: string, reason: string): Promise<number> {
  const { settings } = data;
  // The emulator's own Runner listens on loopback unless HOST is loopback itself (bind-policy.ts).
  const runnerBaseUrl = settings.runnerBaseUrl ?? httpUrl(runnerBindHost(settings.host), settings.runnerPort);
  io.err(`${reason}: running schedule ${scheduleId} at the Runner at ${runnerBaseUrl} directly; the run shows on no debug stream`);
  const timer = new ScheduleTimer({ registry: data.registry, runnerBaseUrl, clock: systemClock, timeoutMs: settings.gatewayTimeoutMs, debugEvents: { publish: () => undefined } });
  try {
    const run = await timer.runNow(scheduleId);
    return printRun(io, input, run, { kind: 'direct', runnerUrl: runnerBaseUrl, reason });
  } finally {
    await timer.close();
  }
}

function printRun(io: Output, input: CommandInput, run: ScheduleRun, via: Via): number {
  const answer = run.response ? [`  the extension answered ${run.response.status}`] : [];
  const hint = via.kind === 'direct' && run.status === 'error' && run.response === null ? [`  is the emulator running? (${via.runnerUrl}; start it with \`npm run emulate\` on this data folder)`] : [];
  return report(io, input.globals, { ...run, via }, [`ran schedule ${run.scheduleId} at ${run.ranAt}: ${run.status}${run.error ? ` (${run.error})` : ''}`, ...answer, ...hint]);
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
    summary: 'fire a schedule now (production’s "run now"), through the emulator running on the data folder when there is one',
    usage: '<schedule-id>',
    args: { min: 1, max: 1 },
    options: {},
    example: `${BIN} schedules run 6f0c…`,
    details: [
      'With `npm run emulate` running on the same data folder (it writes running-emulator.json there), the run goes through that emulator (POST /api/emulator/schedules/<id>/run with the tenant\'s admin API key): recorded as the schedule\'s last run and shown on its debug stream. Without one, the CLI POSTs the run to a Runner itself (RUNNER_BASE_URL, else RUNNER_PORT) and nothing shows it live. The first line on stderr says which.',
      'Production\'s limit applies: 5 run-nows per tenant in 60 s, counted in the data folder with the emulator\'s own; the sixth fails with RUN_NOW_RATE_LIMITED, saying when it can run again.',
    ],
    run: runSchedule,
  },
];
