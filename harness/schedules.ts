// Schedules in the harness: `emu.schedules(ext)` and `emu.runSchedule(id)`, and the virtual
// clock's `advance` firing due runs (emulator/scheduler/schedule-timer.ts does the work).
import type { ScheduleRun, ScheduleView } from '../emulator/internals.ts';

export type { ScheduleRun, ScheduleView };

/** What the virtual clock needs from the cron timer to fire due runs while it moves. */
export interface DueRuns {
  /** Whether an enabled schedule is due at or before `untilMs`. */
  hasDue(untilMs: number): boolean;
  runDue(untilMs: number, setTime: (ms: number) => void): Promise<unknown>;
}
