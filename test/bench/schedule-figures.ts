// (s) Scheduled-run latency for `npm run bench` (issue 10): how long after a cron firing's due
// time the guest's handler is entered, with the emulator's own timer (real setTimeout, croner's
// next-run computation, the Runner over HTTP) on a clock that runs at real speed. Cron's minimum
// interval is five minutes, so the clock is the system clock plus an offset that puts the next
// five-minute boundary LEAD_MS ahead; between runs the offset jumps forward to the following
// boundary (the wait itself is real time). "Handler entered" is the first thing hello-host's
// handler does: its `logging.info` host call, stamped on the emulator clock in the debug stream.
// Runs alone with `npx tsx test/bench/schedule-figures.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../emulator/clock.ts';
import type { DebugEvent } from '../../emulator/contracts/debug-event.ts';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import type { InstallView } from '../../emulator/registry/registry.ts';
import { HELLO_HOST_DIR } from '../../harness/runner-fixture.ts';

/** Cron's minimum interval (production's validation), and the cron the figures use. */
export const FIVE_MINUTES = 5 * 60_000;
export const EVERY_FIVE_MINUTES = '*/5 * * * *';
/** How far ahead of the clock the next boundary is put: more than the timer's 1 s poll. */
export const LEAD_MS = 1500;
const RUNS = 30;

/** The system clock plus an offset that only moves forward (`jumpTo`); it ticks at real speed. */
export class OffsetClock implements Clock {
  #offset = 0;
  now(): number {
    return Date.now() + this.#offset;
  }
  /** Makes `now()` read `at` at this instant; refuses to move backward. */
  jumpTo(at: number): void {
    const offset = at - Date.now();
    if (offset < this.#offset) throw new Error(`OffsetClock: refusing to move back from ${new Date(this.now()).toISOString()} to ${new Date(at).toISOString()}`);
    this.#offset = offset;
  }
}

/** The five-minute boundary after `ms`. */
export const nextBoundary = (ms: number): number => (Math.floor(ms / FIVE_MINUTES) + 1) * FIVE_MINUTES;

export interface ScheduledHelloHost {
  emu: RunningEmulator;
  clock: OffsetClock;
  install: InstallView;
  close(): Promise<void>;
}

/** An emulator on an OffsetClock (timer running) with hello-host installed and warmed by one call. */
export async function startScheduledHelloHost(): Promise<ScheduledHelloHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sched-clock-'));
  const clock = new OffsetClock();
  const emu = await startEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' }, settings: { dataDir, port: 0, runnerPort: 0, apiKey: 'k' }, shell: false, clock });
  const published = await emu.registry.publishBytes((await packExtension(HELLO_HOST_DIR)).bytes);
  await emu.registry.install(emu.seed.defaultTenantId, published.extension.id, published.version.version);
  const install = emu.registry.installOf(emu.seed.defaultTenantId, published.extension.id) as InstallView;
  const token = emu.sessions.devTokens(emu.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
  const warm = await fetch(`${emu.urls.main}/api/ext/${install.registryId}/counter`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (warm.status !== 200) throw new Error(`warm-up call answered ${warm.status}`);
  await warm.arrayBuffer();
  return { emu, clock, install, close: async () => { await emu.close(); await rm(dataDir, { recursive: true, force: true }); } };
}

/** The debug event of hello-host's handler entry (`POST /counter`) for the next request of this install. */
export function handlerEntered(emu: RunningEmulator, install: InstallView, timeoutMs: number): Promise<DebugEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no handler entry within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = emu.runner.debugEvents.subscribe({ install_id: install.installId }, (event) => {
      if (event.message !== 'POST /counter') return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

/** Moves the clock to the middle of a five-minute interval and creates an enabled every-five-minutes schedule on POST /counter; its id. */
export function createFiveMinuteSchedule(h: ScheduledHelloHost, name: string): string {
  h.clock.jumpTo(nextBoundary(h.clock.now()) + FIVE_MINUTES / 2);
  const created = h.emu.registry.scheduleStore.create(h.install.installId, { endpoint: 'POST /counter', cron: EVERY_FIVE_MINUTES, name });
  if (!created.success || created.scheduleId === undefined) throw new Error(`createSchedule failed: ${created.error}`);
  return created.scheduleId;
}

/**
 * Puts the schedule's next due time LEAD_MS ahead on the clock, waits for the timer to fire it by
 * itself, and returns the due time and the handler-entry event.
 */
export async function nextFiring(h: ScheduledHelloHost, scheduleId: string): Promise<{ due: number; entered: DebugEvent }> {
  const due = h.emu.registry.scheduleStore.view(scheduleId).nextRunAt;
  if (!due) throw new Error(`schedule ${scheduleId} has no next run`);
  const dueMs = Date.parse(due);
  const entered = handlerEntered(h.emu, h.install, LEAD_MS + 10_000);
  h.clock.jumpTo(dueMs - LEAD_MS);
  const event = await entered;
  await h.emu.scheduler.idle();
  return { due: dueMs, entered: event };
}

const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function scheduleFigures(results: Record<string, number>): Promise<void> {
  const h = await startScheduledHelloHost();
  try {
    const scheduleId = createFiveMinuteSchedule(h, 'bench');
    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { due, entered } = await nextFiring(h, scheduleId);
      latencies.push(Number(entered.ts) - due);
    }
    const sorted = sortNum(latencies);
    results.schedule_latency_p50_ms = percentile(sorted, 50);
    results.schedule_latency_p99_ms = percentile(sorted, 99);
    console.log(`\nScheduled-run latency, due time → handler entered (system-speed clock, ${RUNS} runs of ${EVERY_FIVE_MINUTES}, hello-host POST /counter):`);
    console.log(`  p50 ${results.schedule_latency_p50_ms} ms, p99 ${results.schedule_latency_p99_ms} ms, min ${sorted[0]} ms, max ${sorted[sorted.length - 1]} ms`);
  } finally {
    await h.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results: Record<string, number> = {};
  await scheduleFigures(results);
  console.log(JSON.stringify(results));
}
