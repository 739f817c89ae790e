import { Cron } from 'croner';

/**
 * The first firing of a five-field cron expression in `timezone` strictly after `afterMs`
 * (epoch ms), or null when it never fires again. Computed by croner, never by hand.
 * @example nextRunAfter('30 9 * * *', 'America/New_York', Date.UTC(2025, 0, 1)) // Date.UTC(2025, 0, 1, 14, 30)
 */
export function nextRunAfter(cron: string, timezone: string, afterMs: number): number | null {
  const job = new Cron(cron, { timezone, paused: true, mode: '5-part' });
  const next = job.nextRun(new Date(afterMs));
  return next ? next.getTime() : null;
}
