// schedule-board in the emulator's shell, with the public Playwright fixtures only: the UI lists
// the extension's endpoints, creates a schedule through its form (the row appears), deletes it
// (the row goes), and shows the field error of a cron the scheduler refuses. The worker's emulator
// runs on a virtual clock: an hourly schedule made in the UI runs as a test advances the clock, and
// the iframe shows the run counter move.
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { expect, test } from '../../../harness/playwright.ts';

const SAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Worker options: Playwright takes them only at the top of a file (each set gets its own worker).
test.use({ extensions: [{ source: SAMPLE_DIR, key: 'schedule-board' }], emulatorOptions: { clock: 'virtual' } });
// The first apiproxy call of a worker compiles the component.
test.describe.configure({ timeout: 60_000 });

const HEADER = ['Name', 'Endpoint', 'Cron', 'Last run', ''];

/** A table's rows as the text of their cells, header row first. */
async function rows(table: Locator): Promise<string[][]> {
  return table.locator('tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => cell.textContent ?? '')));
}

test.describe('schedule-board in the shell', () => {
  test('should list the endpoints, an empty board and no runs', async ({ shell, extensionFrame, bridgeLog }) => {
    await shell.open({ extension: 'schedule-board', as: 'admin', waitFor: 'ready' });
    await expect(extensionFrame.locator('#ticks')).toHaveText('Runs of POST /tick: 0', { timeout: 30_000 });
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/endpoints', method: 'GET' });
    await expect(extensionFrame.locator('#endpoints tr')).toHaveCount(7);
    // The manifest's endpoints; DELETE /schedules/:id has a path parameter, so it cannot be scheduled.
    expect(await rows(extensionFrame.locator('#endpoints'))).toEqual([
      ['Method', 'Path', 'Schedulable'],
      ['GET', '/endpoints', 'yes'],
      ['GET', '/schedules', 'yes'],
      ['POST', '/schedules', 'yes'],
      ['DELETE', '/schedules/:id', 'no'],
      ['POST', '/tick', 'yes'],
      ['GET', '/ticks', 'yes'],
    ]);
    await expect(extensionFrame.locator('#endpoint option')).toHaveText(['GET /endpoints', 'GET /schedules', 'POST /schedules', 'POST /tick', 'GET /ticks']);
    await expect(extensionFrame.locator('#endpoint')).toHaveValue('POST /tick');
    expect(await rows(extensionFrame.locator('#schedules'))).toEqual([HEADER]);
  });

  test('should add the created schedule\'s row, and remove it when deleted', async ({ shell, extensionFrame, bridgeLog, emulator, installed }) => {
    await shell.open({ extension: 'schedule-board', waitFor: 'ready' });
    await expect(extensionFrame.locator('#ticks')).toHaveText('Runs of POST /tick: 0', { timeout: 30_000 });
    await expect(extensionFrame.locator('#endpoint')).toHaveValue('POST /tick');

    await extensionFrame.locator('#name').fill('hourly tick');
    await extensionFrame.locator('#cron').fill('0 * * * *');
    await extensionFrame.locator('#create').click();
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', route: '/schedules', method: 'POST' });
    await expect(extensionFrame.locator('#message')).toHaveText('Created "hourly tick"');
    await expect(extensionFrame.locator('#schedules tr')).toHaveCount(2);
    expect(await rows(extensionFrame.locator('#schedules'))).toEqual([HEADER, ['hourly tick', 'POST /tick', '0 * * * * UTC', 'never', 'Delete']]);
    const [schedule] = emulator.schedules(installed['schedule-board']!);
    expect([schedule?.name, schedule?.cron]).toEqual(['hourly tick', '0 * * * *']);

    await extensionFrame.locator('#schedules button', { hasText: 'Delete' }).click();
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'apiproxy', method: 'DELETE' });
    await expect(extensionFrame.locator('#message')).toHaveText('Deleted');
    await expect(extensionFrame.locator('#schedules tr')).toHaveCount(1);
    expect(await rows(extensionFrame.locator('#schedules'))).toEqual([HEADER]);
    expect(emulator.schedules(installed['schedule-board']!)).toEqual([]);
  });

  test('should show the field error of a cron that runs too often, and add no row', async ({ shell, extensionFrame, emulator, installed }) => {
    await shell.open({ extension: 'schedule-board', waitFor: 'ready' });
    await expect(extensionFrame.locator('#ticks')).toHaveText('Runs of POST /tick: 0', { timeout: 30_000 });
    await expect(extensionFrame.locator('#endpoint')).toHaveValue('POST /tick');

    await extensionFrame.locator('#name').fill('every minute');
    await extensionFrame.locator('#cron').fill('* * * * *');
    await extensionFrame.locator('#create').click();
    await expect(extensionFrame.locator('#message')).toHaveText(
      'Error: Proxy error 400: {"error":"ValidationFailed","fieldErrors":{"cron":"Cron too frequent (minimum interval is 5 minutes)"}}',
    );
    await expect(extensionFrame.locator('#message')).toHaveClass('error');
    expect(await rows(extensionFrame.locator('#schedules'))).toEqual([HEADER]);
    expect(emulator.schedules(installed['schedule-board']!)).toEqual([]);
  });

  test('should run the schedule created in the UI as the clock advances, and show the runs', async ({ shell, extensionFrame, clock, emulator }) => {
    // The worker's tests share the emulator: leave it as this test found it (schedule, runs, time).
    const before = await emulator.snapshot();
    try {
      clock.set(new Date('2025-01-01T00:00:00.000Z'));
      await shell.open({ extension: 'schedule-board', as: 'admin', waitFor: 'ready' });
      await expect(extensionFrame.locator('#ticks')).toHaveText('Runs of POST /tick: 0', { timeout: 30_000 });
      await expect(extensionFrame.locator('#endpoint')).toHaveValue('POST /tick');
      await extensionFrame.locator('#name').fill('hourly tick');
      await extensionFrame.locator('#cron').fill('0 * * * *');
      await extensionFrame.locator('#create').click();
      await expect(extensionFrame.locator('#message')).toHaveText('Created "hourly tick"');
      // The list reloads after the message: poll until it shows the new schedule.
      await expect.poll(() => rows(extensionFrame.locator('#schedules'))).toEqual([HEADER, ['hourly tick', 'POST /tick', '0 * * * * UTC', 'never', 'Delete']]);

      // Two hours and a minute: the 01:00 and 02:00 runs have finished when advance resolves.
      expect(await clock.advance(2 * 60 * 60_000 + 60_000)).toBe(Date.parse('2025-01-01T02:01:00.000Z'));
      await shell.reloadExtension({ waitFor: 'ready' });
      await expect(extensionFrame.locator('#ticks')).toHaveText('Runs of POST /tick: 2');
      await expect.poll(() => rows(extensionFrame.locator('#schedules'))).toEqual([HEADER, ['hourly tick', 'POST /tick', '0 * * * * UTC', '2025-01-01T02:00:00.000Z (success)', 'Delete']]);
    } finally {
      await emulator.restore(before);
    }
  });
});
